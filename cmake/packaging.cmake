# Install rules and the Debian package (CPack's DEB generator), used by scripts/package.sh:
#   cmake --install BUILD --prefix STAGE      the tarball's files
#   cpack -G DEB --config BUILD/CPackConfig.cmake
# The package holds /usr/bin/rotor, /usr/share/man/man1/rotor.1.gz (generated from `rotor --help`
# by scripts/package.sh before cpack runs, in BUILD/man/), /usr/lib/systemd/system/rotor.service
# (installed, not enabled) and the README and docs under /usr/share/doc/rotor.
include(GNUInstallDirs)
install(TARGETS rotor RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/man/rotor.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 OPTIONAL)
install(FILES packaging/rotor.service DESTINATION lib/systemd/system)
install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs)
if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/LICENSE)
  install(FILES LICENSE DESTINATION ${CMAKE_INSTALL_DOCDIR})
endif()

set(CPACK_PACKAGE_NAME rotor)
set(CPACK_PACKAGE_VENDOR "Rotor")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "local AWS KMS emulator with key rotation and a virtual clock")
set(CPACK_PACKAGE_CONTACT "Rotor maintainers <rotor@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # rotor_VERSION_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
if(ROTOR_SOURCE_URL)  # scripts/package.sh passes the repository's address when it knows it
  set(CPACK_DEBIAN_PACKAGE_HOMEPAGE ${ROTOR_SOURCE_URL})
endif()
# Depends: computed by dpkg-shlibdeps from the binary (libc6 only for a static-runtime build).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_STRIP_FILES ON)  # RelWithDebInfo builds: the package carries no debug info
if(ROTOR_DEB_ARCHITECTURE)  # cross builds (scripts/package_arm64.sh): arm64
  set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${ROTOR_DEB_ARCHITECTURE})
endif()
include(CPack)
