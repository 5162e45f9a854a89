# Toolchain: GCC producing freestanding x86-64 ELF for the kernel, loader and
# servers. The host is x86-64 too, so the same compiler builds host tests;
# freestanding targets get their flags from cmake/vireo.cmake.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER gcc)
set(CMAKE_ASM_COMPILER gcc)
set(VIREO_COMPILER_FAMILY gcc CACHE INTERNAL "")
# Extra flags every freestanding object gets (none needed for native gcc).
set(VIREO_TARGET_FLAGS "" CACHE INTERNAL "")
set(VIREO_TARGET_LINK_FLAGS "" CACHE INTERNAL "")
