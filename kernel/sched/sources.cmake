# The scheduler and IPC state machine, for the kernel build and the host
# tests (tests/unit/sched): include() this file.
set(VIREO_SCHED_DIR ${CMAKE_CURRENT_LIST_DIR})
set(VIREO_SCHED_SOURCES
  ${VIREO_SCHED_DIR}/runq.c
  ${VIREO_SCHED_DIR}/timeout.c
  ${VIREO_SCHED_DIR}/sched.c
  ${VIREO_SCHED_DIR}/ipc.c)
