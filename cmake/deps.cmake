# Third-party code, from Debian only:
#   libfdt  Debian's libfdt-dev static library (built with the stack
#           protector: callers need %fs:0x28 readable, see abi/vireo/utcb.h)
#   Zydis   built here from Debian's zydis source package, freestanding
#           (ZYAN_NO_LIBC), with Zycore headers from libzycore-dev.
# Their headers reach freestanding code through a directory holding links to
# just those headers, so no glibc header can leak in.

set(VIREO_DEPS_INCLUDE ${PROJECT_BINARY_DIR}/deps/include)
file(MAKE_DIRECTORY ${VIREO_DEPS_INCLUDE})

# ---- libfdt ----
find_library(VIREO_LIBFDT_A NAMES libfdt.a PATHS /usr/lib/x86_64-linux-gnu /usr/lib NO_DEFAULT_PATH)
find_path(VIREO_LIBFDT_H libfdt.h PATHS /usr/include NO_DEFAULT_PATH)
if(NOT VIREO_LIBFDT_A OR NOT VIREO_LIBFDT_H)
  message(FATAL_ERROR "libfdt not found: install Debian's libfdt-dev (tools/install-deps does)")
endif()
foreach(h libfdt.h fdt.h libfdt_env.h)
  file(CREATE_LINK ${VIREO_LIBFDT_H}/${h} ${VIREO_DEPS_INCLUDE}/${h} SYMBOLIC)
endforeach()
add_library(vireo_libfdt STATIC IMPORTED GLOBAL)
set_target_properties(vireo_libfdt PROPERTIES IMPORTED_LOCATION ${VIREO_LIBFDT_A}
                      INTERFACE_INCLUDE_DIRECTORIES ${VIREO_DEPS_INCLUDE})

# ---- Zycore headers ----
if(NOT EXISTS /usr/include/Zycore/Zycore.h)
  message(FATAL_ERROR "Zycore headers not found: install Debian's libzycore-dev")
endif()
file(CREATE_LINK /usr/include/Zycore ${VIREO_DEPS_INCLUDE}/Zycore SYMBOLIC)

# ---- Zydis from Debian's source package ----
set(VIREO_ZYDIS_SRC ${PROJECT_BINARY_DIR}/deps/zydis)
if(NOT EXISTS ${VIREO_ZYDIS_SRC}/src/Decoder.c)
  execute_process(COMMAND ${PROJECT_SOURCE_DIR}/tools/fetch-zydis ${VIREO_ZYDIS_SRC}
                  RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "could not fetch Debian's zydis source package (tools/fetch-zydis)")
  endif()
endif()
file(GLOB VIREO_ZYDIS_SOURCES ${VIREO_ZYDIS_SRC}/src/*.c)
# Zydis for ring 3 (the servers and init).
add_library(vireo_zydis_user STATIC ${VIREO_ZYDIS_SOURCES})
target_include_directories(vireo_zydis_user SYSTEM PUBLIC ${VIREO_ZYDIS_SRC}/include ${VIREO_DEPS_INCLUDE})
target_include_directories(vireo_zydis_user PRIVATE ${VIREO_ZYDIS_SRC}/src)
target_compile_definitions(vireo_zydis_user PUBLIC ZYAN_NO_LIBC ZYDIS_STATIC_BUILD ZYCORE_STATIC_BUILD)
target_compile_options(vireo_zydis_user PRIVATE ${VIREO_FREESTANDING_FLAGS} -mcmodel=small -w)
# The same sources for host tests of code that uses Zydis (tests/unit/vmm).
add_library(vireo_zydis_host STATIC ${VIREO_ZYDIS_SOURCES})
target_include_directories(vireo_zydis_host SYSTEM PUBLIC ${VIREO_ZYDIS_SRC}/include ${VIREO_DEPS_INCLUDE})
target_include_directories(vireo_zydis_host PRIVATE ${VIREO_ZYDIS_SRC}/src)
target_compile_definitions(vireo_zydis_host PUBLIC ZYAN_NO_LIBC ZYDIS_STATIC_BUILD ZYCORE_STATIC_BUILD)
target_compile_options(vireo_zydis_host PRIVATE -w)
