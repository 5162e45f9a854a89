# The architecture-neutral vCPU logic (the entry checks), for the kernel
# build and the host tests (tests/unit/vcpu): include() this file. The
# state-item table they use is the runtime's (lib/vcpu_state.c).
set(VIREO_VCPU_DIR ${CMAKE_CURRENT_LIST_DIR})
set(VIREO_VCPU_SOURCES
  ${VIREO_VCPU_DIR}/entry_check.c)
