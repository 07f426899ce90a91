/* A static i386 program without libc for the core tests: it grows its break by 64 KiB, maps
 * 8 KiB of anonymous memory, prints "ready" and blocks reading its standard input until it
 * closes (or a signal ends it and the kernel writes its core). */
        .text
        .globl _start
_start:
        movl $45, %eax                  /* brk(0): the current break */
        xorl %ebx, %ebx
        int $0x80
        movl %eax, %esi
        leal 65536(%eax), %ebx          /* brk(break + 64 KiB): a [heap] */
        movl $45, %eax
        int $0x80
        movl $1, (%esi)                 /* used, as a heap is (gcore leaves untouched memory out) */
        movl $192, %eax                 /* mmap2(NULL, 8192, rw-, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) */
        xorl %ebx, %ebx
        movl $8192, %ecx
        movl $3, %edx
        movl $0x22, %esi
        movl $-1, %edi
        xorl %ebp, %ebp
        int $0x80
        movl $4, %eax                   /* write(1, "ready\n", 6) */
        movl $1, %ebx
        movl $ready, %ecx
        movl $6, %edx
        int $0x80
wait:
        movl $3, %eax                   /* read(0, buffer, 64) until end of file */
        xorl %ebx, %ebx
        movl $buffer, %ecx
        movl $64, %edx
        int $0x80
        testl %eax, %eax
        jg wait
        movl $1, %eax                   /* exit(0) */
        xorl %ebx, %ebx
        int $0x80

        .data
ready:  .ascii "ready\n"
        .bss
buffer: .skip 64
