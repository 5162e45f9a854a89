# The object layer's sources, for the kernel build and the host tests
# (tests/unit/obj, tests/invariants, tests/fuzz): include() this file.
set(VIREO_OBJ_DIR ${CMAKE_CURRENT_LIST_DIR})
set(VIREO_OBJ_SOURCES
  ${VIREO_OBJ_DIR}/pool.c
  ${VIREO_OBJ_DIR}/cspace.c
  ${VIREO_OBJ_DIR}/lifecycle.c
  ${VIREO_OBJ_DIR}/tree.c
  ${VIREO_OBJ_DIR}/mapdb.c
  ${VIREO_OBJ_DIR}/create.c
  ${VIREO_OBJ_DIR}/delegate.c
  ${VIREO_OBJ_DIR}/syscall.c
  ${VIREO_OBJ_DIR}/setup.c)
