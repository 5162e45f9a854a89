# The VMM's guest boot code (multiboot1): pure C, compiled into the VMM
# (freestanding) and into the host tests (tests/unit/vmm/), with
# lib/elf64.c and lib/format.c from the runtime.
set(VIREO_VMM_BOOT_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/guest_mem.c
  ${CMAKE_CURRENT_LIST_DIR}/mb1_why.c
  ${CMAKE_CURRENT_LIST_DIR}/mb1_header.c
  ${CMAKE_CURRENT_LIST_DIR}/mb1_memory.c
  ${CMAKE_CURRENT_LIST_DIR}/mb1_plan.c
  ${CMAKE_CURRENT_LIST_DIR}/mb1_layout.c
  ${CMAKE_CURRENT_LIST_DIR}/mb1_info.c
  ${CMAKE_CURRENT_LIST_DIR}/mb1_cpu.c
  ${CMAKE_CURRENT_LIST_DIR}/linux_vcpu.c
  ${CMAKE_CURRENT_LIST_DIR}/mb1_boot.c
  # Linux bzImages through the 64-bit boot protocol (not wired yet).
  ${CMAKE_CURRENT_LIST_DIR}/linux_header.c
  ${CMAKE_CURRENT_LIST_DIR}/linux_plan.c
  ${CMAKE_CURRENT_LIST_DIR}/linux_boot_params.c
  ${CMAKE_CURRENT_LIST_DIR}/linux_cpu.c
  ${CMAKE_CURRENT_LIST_DIR}/linux_boot.c)
set(VIREO_VMM_INCLUDE ${CMAKE_CURRENT_LIST_DIR})
# The pure parts of exit handling, also host-tested.
set(VIREO_VMM_EXIT_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/gpt.c
  ${CMAKE_CURRENT_LIST_DIR}/lapic.c ${CMAKE_CURRENT_LIST_DIR}/lapic_regs.c
  ${CMAKE_CURRENT_LIST_DIR}/lapic_timer.c ${CMAKE_CURRENT_LIST_DIR}/pvclock.c)
# The interrupt controllers' models: the device server's pure ones
# (servers/devices/), hosted beside the local APIC (irqchip.h).
include(${CMAKE_CURRENT_LIST_DIR}/../devices/sources.cmake)
set(VIREO_VMM_IRQ_SOURCES
  ${VIREO_DEVICE_INCLUDE}/dev.c
  ${VIREO_DEVICE_INCLUDE}/port_bus.c
  ${VIREO_DEVICE_INCLUDE}/pic8259.c
  ${VIREO_DEVICE_INCLUDE}/ioapic.c)
