/* An i386 program without libc (as --32, ld -m elf_i386) making each traced 32-bit call once,
 * in this order, and chdir, whose i386 number is x86-64's brk: a tracer must not report it.
 *   mmap2(NULL, 20480, rw-, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)   munmap(that, 20480)
 *   old mmap({NULL, 24576, rw-, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0})
 *   mremap(that, 24576, 28672, MREMAP_MAYMOVE)                   munmap(that, 28672)
 *   chdir("/")   brk(NULL)   brk(that + 4096)   exit(0)
 * With an argument, it first reads a byte from stdin (for a tracer to attach with -p first).
 * Exits 1 when a call fails. */
        .text
        .globl _start
_start:
        cmpl $1, (%esp)                 /* argc */
        je calls
        movl $3, %eax                   /* read(0, &byte, 1) */
        xorl %ebx, %ebx
        movl $byte, %ecx
        movl $1, %edx
        int $0x80
calls:
        movl $192, %eax                 /* mmap2 */
        xorl %ebx, %ebx
        movl $20480, %ecx
        movl $3, %edx                   /* PROT_READ|PROT_WRITE */
        movl $0x22, %esi                /* MAP_PRIVATE|MAP_ANONYMOUS */
        movl $-1, %edi
        xorl %ebp, %ebp
        int $0x80
        cmpl $-4096, %eax
        jae fail
        movl %eax, %ebx
        movl $91, %eax                  /* munmap */
        movl $20480, %ecx
        int $0x80
        testl %eax, %eax
        jnz fail

        movl $90, %eax                  /* old mmap: the arguments are in a block */
        movl $block, %ebx
        int $0x80
        cmpl $-4096, %eax
        jae fail

        movl %eax, %ebx
        movl $163, %eax                 /* mremap */
        movl $24576, %ecx
        movl $28672, %edx
        movl $1, %esi                   /* MREMAP_MAYMOVE */
        int $0x80
        cmpl $-4096, %eax
        jae fail
        movl %eax, %ebx
        movl $91, %eax                  /* munmap */
        movl $28672, %ecx
        int $0x80
        testl %eax, %eax
        jnz fail

        movl $12, %eax                  /* chdir */
        movl $root, %ebx
        int $0x80
        testl %eax, %eax
        jnz fail

        movl $45, %eax                  /* brk(NULL) */
        xorl %ebx, %ebx
        int $0x80
        leal 4096(%eax), %ebx
        movl $45, %eax                  /* brk(end + 4096) */
        int $0x80

        movl $1, %eax                   /* exit(0) */
        xorl %ebx, %ebx
        int $0x80
fail:
        movl $1, %eax                   /* exit(1) */
        movl $1, %ebx
        int $0x80

        .data
block:  .long 0, 24576, 3, 0x22, -1, 0
root:   .asciz "/"
byte:   .byte 0
