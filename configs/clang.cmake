# As default.cmake, built with clang and lld.
set(CMAKE_TOOLCHAIN_FILE "${CMAKE_CURRENT_LIST_DIR}/../cmake/toolchain-clang.cmake" CACHE FILEPATH "")
include("${CMAKE_CURRENT_LIST_DIR}/default.cmake")
