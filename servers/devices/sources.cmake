# The device models and protocol handling: pure C, compiled into the device
# server (freestanding) and into the host tests (tests/unit/devices/).
set(VIREO_DEVICE_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/dev.c
  ${CMAKE_CURRENT_LIST_DIR}/port_bus.c
  ${CMAKE_CURRENT_LIST_DIR}/mmio_bus.c
  ${CMAKE_CURRENT_LIST_DIR}/uart16550.c
  ${CMAKE_CURRENT_LIST_DIR}/debug_exit.c
  ${CMAKE_CURRENT_LIST_DIR}/fw_cfg.c
  ${CMAKE_CURRENT_LIST_DIR}/cmos_rtc.c
  ${CMAKE_CURRENT_LIST_DIR}/pic8259.c
  ${CMAKE_CURRENT_LIST_DIR}/ioapic.c
  ${CMAKE_CURRENT_LIST_DIR}/pit8254.c
  ${CMAKE_CURRENT_LIST_DIR}/pci_host.c
  ${CMAKE_CURRENT_LIST_DIR}/pc_testdev.c
  ${CMAKE_CURRENT_LIST_DIR}/i8042.c
  ${CMAKE_CURRENT_LIST_DIR}/post_port.c
  ${CMAKE_CURRENT_LIST_DIR}/dispatch.c)
set(VIREO_DEVICE_INCLUDE ${CMAKE_CURRENT_LIST_DIR})
