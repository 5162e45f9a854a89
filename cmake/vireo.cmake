# Build helpers: the three kinds of freestanding code and how they link.
#
#   kernel  ring 0, linked at VIREO_KERNEL_VIRT_BASE (-mcmodel=kernel)
#   loader  ring 0, 64-bit part of the boot stage, linked low (identity)
#   user    ring 3 servers and init, statically linked in the user half
#
# None of them touch x87/SSE registers (-mgeneral-regs-only): the kernel so
# that entry paths never need to save them, the servers so that a guest's
# FPU/SSE/AVX state stays in the registers across every exit and server.

execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=include
                OUTPUT_VARIABLE VIREO_CC_INCLUDE OUTPUT_STRIP_TRAILING_WHITESPACE)

set(VIREO_WARNINGS -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
    -Wno-unused-parameter)

set(VIREO_FREESTANDING_FLAGS ${VIREO_TARGET_FLAGS} -std=c11 -ffreestanding -nostdinc
    -isystem ${VIREO_CC_INCLUDE} -fno-pic -fno-pie -fno-common -mno-red-zone
    -mgeneral-regs-only -fno-asynchronous-unwind-tables -fno-omit-frame-pointer
    -fno-strict-aliasing -O2 -g)
if(VIREO_COMPILER_FAMILY STREQUAL "gcc")
  # Keep gcc from turning our own memcpy/memset loops into calls to themselves.
  list(APPEND VIREO_FREESTANDING_FLAGS -fno-tree-loop-distribute-patterns)
endif()

set(VIREO_FREESTANDING_LINK ${VIREO_TARGET_LINK_FLAGS} -nostdlib -static
    -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack)
if(VIREO_COMPILER_FAMILY STREQUAL "gcc")
  # gcc links PIE by default on Debian; lld needs no flag. The boot stage's
  # 32-bit code and data share a segment on purpose.
  list(APPEND VIREO_FREESTANDING_LINK -no-pie -Wl,--no-warn-rwx-segments)
endif()

foreach(kind kernel loader user)
  add_library(vireo_flags_${kind} INTERFACE)
  target_include_directories(vireo_flags_${kind} INTERFACE
    ${PROJECT_SOURCE_DIR}/abi ${PROJECT_SOURCE_DIR}/lib/include
    ${PROJECT_SOURCE_DIR}/lib/include/libc ${VIREO_GEN_DIR})
  target_compile_options(vireo_flags_${kind} INTERFACE
    $<$<COMPILE_LANGUAGE:C>:${VIREO_FREESTANDING_FLAGS} ${VIREO_WARNINGS}>
    $<$<COMPILE_LANGUAGE:ASM>:${VIREO_TARGET_FLAGS} -ffreestanding -nostdinc -fno-pic -g>)
  target_link_options(vireo_flags_${kind} INTERFACE ${VIREO_FREESTANDING_LINK})
endforeach()

# Ring 0: the canary lives in a global (no %fs/%gs set up for it).
target_compile_options(vireo_flags_kernel INTERFACE
  $<$<COMPILE_LANGUAGE:C>:-mcmodel=kernel -fstack-protector-strong -mstack-protector-guard=global>)
target_compile_definitions(vireo_flags_kernel INTERFACE VIREO_KERNEL=1)
target_compile_options(vireo_flags_loader INTERFACE
  $<$<COMPILE_LANGUAGE:C>:-mcmodel=small -fstack-protector-strong -mstack-protector-guard=global>)
target_compile_definitions(vireo_flags_loader INTERFACE VIREO_LOADER=1)
# Ring 3: canary at %fs:0x28, i.e. in the thread's UTCB (abi/vireo/utcb.h).
target_compile_options(vireo_flags_user INTERFACE
  $<$<COMPILE_LANGUAGE:C>:-mcmodel=small -fstack-protector-strong>)
target_compile_definitions(vireo_flags_user INTERFACE VIREO_USER=1)

# The shared runtime (lib/), compiled once per kind.
set(VIREO_LIB_SOURCES ${PROJECT_SOURCE_DIR}/lib/string.c ${PROJECT_SOURCE_DIR}/lib/format.c
    ${PROJECT_SOURCE_DIR}/lib/elf64.c ${PROJECT_SOURCE_DIR}/lib/vcpu_state.c ${PROJECT_SOURCE_DIR}/lib/date.c)
set(VIREO_LIB_RING0_SOURCES ${PROJECT_SOURCE_DIR}/lib/uart.c ${PROJECT_SOURCE_DIR}/lib/ring0_stop.c)
add_library(vireo_lib_kernel STATIC ${VIREO_LIB_SOURCES} ${VIREO_LIB_RING0_SOURCES})
add_library(vireo_lib_loader STATIC ${VIREO_LIB_SOURCES} ${VIREO_LIB_RING0_SOURCES})
set(VIREO_LIB_USER_SOURCES ${PROJECT_SOURCE_DIR}/lib/user/crt0.S ${PROJECT_SOURCE_DIR}/lib/user/syscall.c
    ${PROJECT_SOURCE_DIR}/lib/user/console.c ${PROJECT_SOURCE_DIR}/lib/user/ipc.c
    ${PROJECT_SOURCE_DIR}/lib/user/heap.c ${PROJECT_SOURCE_DIR}/lib/user/malloc.c
    ${PROJECT_SOURCE_DIR}/lib/user/server.c ${PROJECT_SOURCE_DIR}/lib/user/thread.c)
add_library(vireo_lib_user STATIC ${VIREO_LIB_SOURCES} ${VIREO_LIB_USER_SOURCES})
set(VIREO_USER_LINKER_SCRIPT ${PROJECT_SOURCE_DIR}/lib/user/user.ld)
foreach(kind kernel loader user)
  target_link_libraries(vireo_lib_${kind} PUBLIC vireo_flags_${kind})
endforeach()

# vireo_executable(NAME KIND kernel|loader|user LINKER_SCRIPT file SOURCES ... [LIBS ...])
function(vireo_executable name)
  cmake_parse_arguments(ARG "" "KIND;LINKER_SCRIPT" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  set_target_properties(${name} PROPERTIES SUFFIX ".elf" LINK_DEPENDS ${ARG_LINKER_SCRIPT})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} vireo_lib_${ARG_KIND} vireo_flags_${ARG_KIND})
  target_link_options(${name} PRIVATE -Wl,-T,${ARG_LINKER_SCRIPT} -Wl,-Map,$<TARGET_FILE:${name}>.map)
  if(ARG_KIND STREQUAL "user")
    target_link_options(${name} PRIVATE -Wl,-u,_start) # crt0 lives in the runtime archive
  endif()
endfunction()
