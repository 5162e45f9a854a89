# The fourth kind of freestanding code: test guests (tests/guest/).
#
#   guest  bare-metal test kernels that later run *under* Vireo; booted by
#          multiboot1 (QEMU -kernel, GRUB `multiboot`), 32-bit entry in
#          assembly (.code32, .code16 where a guest needs it) inside a
#          64-bit ELF linked at 1 MiB with the a.out-kludge header fields;
#          everything in C runs in long mode, ring 0 (ring 3 on demand).
#
# Guests are not part of Vireo: no stack protector (nothing sets a canary),
# no VIREO_* definitions, and only lib/format.c and lib/string.c are shared.
# -mgeneral-regs-only because no guest enables SSE for its own C code.

add_library(vireo_flags_guest INTERFACE)
target_include_directories(vireo_flags_guest INTERFACE
  ${PROJECT_SOURCE_DIR}/tests/guest/lib/include ${PROJECT_SOURCE_DIR}/lib/include
  ${PROJECT_SOURCE_DIR}/lib/include/libc ${PROJECT_SOURCE_DIR}/abi)
target_compile_options(vireo_flags_guest INTERFACE
  $<$<COMPILE_LANGUAGE:C>:${VIREO_FREESTANDING_FLAGS} ${VIREO_WARNINGS} -mcmodel=small
    -fno-stack-protector>
  $<$<COMPILE_LANGUAGE:ASM>:${VIREO_TARGET_FLAGS} -ffreestanding -nostdinc -fno-pic -g
    -I${PROJECT_SOURCE_DIR}/tests/guest/lib/include>)
target_compile_definitions(vireo_flags_guest INTERFACE VIREO_GUEST=1)
target_link_options(vireo_flags_guest INTERFACE ${VIREO_FREESTANDING_LINK})

set(VIREO_GUEST_LINKER_SCRIPT ${PROJECT_SOURCE_DIR}/tests/guest/lib/guest.ld)

# vireo_guest(NAME SOURCES ...): tests/guest/NAME as guest-NAME.elf, linked
# with the guest runtime (tests/guest/lib, target vireo_guest_rt).
function(vireo_guest name)
  cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
  set(target guest-${name})
  add_executable(${target} ${ARG_SOURCES})
  set_target_properties(${target} PROPERTIES SUFFIX ".elf" LINK_DEPENDS ${VIREO_GUEST_LINKER_SCRIPT})
  target_link_libraries(${target} PRIVATE vireo_guest_rt vireo_flags_guest)
  # The entry lives in the runtime archive; nothing in a guest names it.
  target_link_options(${target} PRIVATE -Wl,-u,rt_entry32 -Wl,-T,${VIREO_GUEST_LINKER_SCRIPT}
    -Wl,-Map,$<TARGET_FILE:${target}>.map)
endfunction()
