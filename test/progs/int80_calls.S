/* An x86-64 program without libc that makes 32-bit calls with int $0x80: mmap2 of 20480 bytes
 * (the kernel places it below 4 GiB for a 32-bit call), munmap of it, chdir("/") (i386 chdir is
 * x86-64 brk's number: a tracer must not report it), then one x86-64 munmap(NULL, 4096) and
 * exit(0) by syscall. Exits 1 when a call fails. */
        .text
        .globl _start
_start:
        movl $192, %eax                 /* i386 mmap2 */
        xorl %ebx, %ebx
        movl $20480, %ecx
        movl $3, %edx
        movl $0x22, %esi
        movl $-1, %edi
        xorl %ebp, %ebp
        int $0x80
        cmpl $-4096, %eax
        jae fail
        movl %eax, %ebx
        movl $91, %eax                  /* i386 munmap */
        movl $20480, %ecx
        int $0x80
        testl %eax, %eax
        jnz fail
        movl $12, %eax                  /* i386 chdir */
        leaq root(%rip), %rbx
        int $0x80
        testl %eax, %eax
        jnz fail
        movl $11, %eax                  /* x86-64 munmap(NULL, 4096) */
        xorl %edi, %edi
        movl $4096, %esi
        syscall
        movl $60, %eax                  /* x86-64 exit(0) */
        xorl %edi, %edi
        syscall
fail:
        movl $60, %eax
        movl $1, %edi
        syscall

        .data
root:   .asciz "/"
