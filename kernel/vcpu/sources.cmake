# The architecture-neutral vCPU logic (entry checks, the state-item table),
# for the kernel build and the host tests (tests/unit/vcpu): include() this
# file.
set(VIREO_VCPU_DIR ${CMAKE_CURRENT_LIST_DIR})
set(VIREO_VCPU_SOURCES
  ${VIREO_VCPU_DIR}/entry_check.c
  ${VIREO_VCPU_DIR}/state_items.c)
