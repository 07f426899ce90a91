/* An i386 program without libc (as --32, ld -m elf_i386) making the 32-bit layout calls beyond
 * mmap, munmap, mremap and brk once each, for the conformance tests against strace:
 *   mmap2(NULL, 32768, rw-, MAP_PRIVATE|MAP_ANONYMOUS)   mprotect(that + 4096, 4096, r--)
 *   pkey_mprotect(that + 8192, 4096, r--, -1)             madvise(that, 8192, MADV_DONTNEED)
 *   mlock(that, 4096)  munlock(that, 4096)  mlock2(that, 4096, MLOCK_ONFAULT)
 *   mlockall(MCL_CURRENT)  munlockall()  mseal(that + 12288, 4096, 0)
 *   mbind(that, 4096, MPOL_DEFAULT, NULL, 0, 0)  remap_file_pages(that, 4096, 0, 0, 0): EINVAL
 *   process_madvise(-1, NULL, 0, MADV_COLD, 0): EBADF   shmdt(that): EINVAL   exit(0)
 * Results are whatever the kernel says (ENOSYS for a call it lacks). */
        .text
        .globl _start
_start:
        movl $192, %eax                 /* mmap2 */
        xorl %ebx, %ebx
        movl $32768, %ecx
        movl $3, %edx                   /* PROT_READ|PROT_WRITE */
        movl $0x22, %esi                /* MAP_PRIVATE|MAP_ANONYMOUS */
        movl $-1, %edi
        xorl %ebp, %ebp
        int $0x80
        cmpl $-4096, %eax
        jae fail
        movl %eax, %ebp                 /* the mapping, for every call below */

        movl $125, %eax                 /* mprotect */
        leal 4096(%ebp), %ebx
        movl $4096, %ecx
        movl $1, %edx                   /* PROT_READ */
        int $0x80
        movl $380, %eax                 /* pkey_mprotect */
        leal 8192(%ebp), %ebx
        movl $4096, %ecx
        movl $1, %edx
        movl $-1, %esi
        int $0x80
        movl $219, %eax                 /* madvise */
        movl %ebp, %ebx
        movl $8192, %ecx
        movl $4, %edx                   /* MADV_DONTNEED */
        int $0x80
        movl $150, %eax                 /* mlock */
        movl %ebp, %ebx
        movl $4096, %ecx
        int $0x80
        movl $151, %eax                 /* munlock */
        movl %ebp, %ebx
        movl $4096, %ecx
        int $0x80
        movl $376, %eax                 /* mlock2 */
        movl %ebp, %ebx
        movl $4096, %ecx
        movl $1, %edx                   /* MLOCK_ONFAULT */
        int $0x80
        movl $152, %eax                 /* mlockall */
        movl $1, %ebx                   /* MCL_CURRENT */
        int $0x80
        movl $153, %eax                 /* munlockall */
        int $0x80
        movl $462, %eax                 /* mseal */
        leal 12288(%ebp), %ebx
        movl $4096, %ecx
        xorl %edx, %edx
        int $0x80
        movl $274, %eax                 /* mbind */
        movl %ebp, %ebx
        movl $4096, %ecx
        xorl %edx, %edx                 /* MPOL_DEFAULT */
        xorl %esi, %esi
        xorl %edi, %edi
        pushl %ebp
        xorl %ebp, %ebp
        int $0x80
        popl %ebp
        movl $257, %eax                 /* remap_file_pages on anonymous memory */
        movl %ebp, %ebx
        movl $4096, %ecx
        xorl %edx, %edx
        xorl %esi, %esi
        xorl %edi, %edi
        int $0x80
        movl $440, %eax                 /* process_madvise */
        movl $-1, %ebx
        xorl %ecx, %ecx
        xorl %edx, %edx
        movl $20, %esi                  /* MADV_COLD */
        xorl %edi, %edi
        int $0x80
        movl $398, %eax                 /* shmdt of memory that is no segment */
        movl %ebp, %ebx
        int $0x80

        movl $1, %eax                   /* exit(0) */
        xorl %ebx, %ebx
        int $0x80
fail:
        movl $1, %eax                   /* exit(1) */
        movl $1, %ebx
        int $0x80
