/* An i386 program without libc making one old mmap whose argument block is not readable (a
 * NULL pointer): the kernel fails it with EFAULT, and a tracer cannot read the arguments
 * either, so it must count the call as lost. Then mmap2 of 8192 bytes, so that the trace is
 * seen to go on. Exits 1 unless the old mmap failed and the mmap2 worked. */
        .text
        .globl _start
_start:
        movl $90, %eax                  /* old mmap(NULL block) */
        xorl %ebx, %ebx
        int $0x80
        cmpl $-14, %eax                 /* -EFAULT */
        jne fail
        movl $192, %eax                 /* mmap2(NULL, 8192, rw-, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) */
        xorl %ebx, %ebx
        movl $8192, %ecx
        movl $3, %edx
        movl $0x22, %esi
        movl $-1, %edi
        xorl %ebp, %ebp
        int $0x80
        cmpl $-4096, %eax
        jae fail
        movl $1, %eax                   /* exit(0) */
        xorl %ebx, %ebx
        int $0x80
fail:
        movl $1, %eax                   /* exit(1) */
        movl $1, %ebx
        int $0x80
