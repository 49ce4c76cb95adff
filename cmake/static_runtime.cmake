# -DROTOR_STATIC_RUNTIME=ON (scripts/package.sh): the rotor binary links OpenSSL's libcrypto,
# SQLite, yaml-cpp and the C++ runtime (libstdc++, libgcc) statically, so it needs only glibc
# (libc, libm, and the loader) at run time. The static archives are the ones Debian's -dev
# packages ship (libssl-dev, libsqlite3-dev, libyaml-cpp-dev). Debian's libsimdjson-dev has no
# static archive: -DROTOR_SIMDJSON_SOURCE=DIR (simdjson's source tree, with singleheader/, of
# the same version as the installed headers) compiles it into the binary; without it simdjson
# stays a shared library and scripts/package.sh says so.
# Included after the find_package calls of the top-level CMakeLists.txt; OPENSSL_USE_STATIC_LIBS
# is set before find_package(OpenSSL) there.

set(ROTOR_SIMDJSON_SOURCE "" CACHE PATH "simdjson source tree to compile in (static builds)")

find_library(ROTOR_SQLITE3_ARCHIVE NAMES libsqlite3.a REQUIRED)
set_target_properties(SQLite::SQLite3 PROPERTIES IMPORTED_LOCATION "${ROTOR_SQLITE3_ARCHIVE}"
                                                 INTERFACE_LINK_LIBRARIES "m;${CMAKE_DL_LIBS};Threads::Threads")

find_library(ROTOR_YAML_CPP_ARCHIVE NAMES libyaml-cpp.a REQUIRED)
get_target_property(_rotor_yaml_configs yaml-cpp IMPORTED_CONFIGURATIONS)
foreach(_config IN LISTS _rotor_yaml_configs)
  set_target_properties(yaml-cpp PROPERTIES IMPORTED_LOCATION_${_config} "${ROTOR_YAML_CPP_ARCHIVE}"
                                            IMPORTED_NO_SONAME_${_config} TRUE)
endforeach()
set_target_properties(yaml-cpp PROPERTIES IMPORTED_LOCATION "${ROTOR_YAML_CPP_ARCHIVE}" IMPORTED_NO_SONAME TRUE)

if(ROTOR_SIMDJSON_SOURCE)
  add_library(rotor_simdjson_static STATIC ${ROTOR_SIMDJSON_SOURCE}/singleheader/simdjson.cpp)
  target_include_directories(rotor_simdjson_static SYSTEM PUBLIC ${ROTOR_SIMDJSON_SOURCE}/singleheader)
  set(ROTOR_SIMDJSON_TARGET rotor_simdjson_static)
endif()

# Applied to the rotor executable by the top-level CMakeLists.txt.
set(ROTOR_STATIC_LINK_OPTIONS -static-libstdc++ -static-libgcc)
