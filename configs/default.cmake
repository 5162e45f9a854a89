# Default settings: `cmake -G Ninja -B build -C configs/default.cmake`.
# Every option here has a CACHE default in the top-level CMakeLists.txt; a
# settings file only overrides them (seL4-style).
if(NOT CMAKE_TOOLCHAIN_FILE)
  set(CMAKE_TOOLCHAIN_FILE "${CMAKE_CURRENT_LIST_DIR}/../cmake/toolchain-gcc.cmake" CACHE FILEPATH "")
endif()
set(VIREO_DEBUG ON CACHE BOOL "")
set(VIREO_MAX_CPUS 8 CACHE STRING "")
set(VIREO_LOG_LEVEL "info" CACHE STRING "")
set(CMAKE_BUILD_TYPE RelWithDebInfo CACHE STRING "")
