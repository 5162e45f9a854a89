# Toolchain: clang/lld producing freestanding x86-64 ELF. Host tests are built
# by the same clang for the host triple; freestanding targets add the
# bare-metal triple below.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER clang)
set(CMAKE_ASM_COMPILER clang)
set(VIREO_COMPILER_FAMILY clang CACHE INTERNAL "")
set(VIREO_TARGET_FLAGS "--target=x86_64-unknown-none-elf" CACHE INTERNAL "")
set(VIREO_TARGET_LINK_FLAGS "--target=x86_64-unknown-none-elf;-fuse-ld=lld" CACHE INTERNAL "")
