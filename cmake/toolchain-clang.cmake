# Toolchain: clang/lld producing freestanding x86-64 ELF. Host tests are built
# by the same clang for the host. Freestanding targets use the x86_64 Linux
# triple only for its ABI defaults — chiefly the stack-protector canary at
# %fs:0x28, which Debian's libfdt.a and our UTCB layout expect (the
# "unknown-none" triple would put it in a global); -ffreestanding -nostdinc
# -nostdlib keep every target bare.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER clang)
set(CMAKE_ASM_COMPILER clang)
set(VIREO_COMPILER_FAMILY clang CACHE INTERNAL "")
set(VIREO_TARGET_FLAGS "--target=x86_64-linux-gnu" CACHE INTERNAL "")
set(VIREO_TARGET_LINK_FLAGS "--target=x86_64-linux-gnu;-fuse-ld=lld" CACHE INTERNAL "")
