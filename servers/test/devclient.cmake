# devclient: drives the device server (servers/devices/) as a guest's
# drivers would, through the device protocol (tests/system/configs/devices.dts).
vireo_executable(test-devclient KIND user LINKER_SCRIPT ${VIREO_USER_LINKER_SCRIPT}
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/devclient.c)
target_include_directories(test-devclient PRIVATE ${PROJECT_SOURCE_DIR}/servers/devices)
