# SPDX-License-Identifier: MIT
# The installed CMake package of the SDK, so agent packages built outside this repository can
#     find_package(DurableStudio 0.1 REQUIRED)
#     durable_add_agent_package(mypackage SOURCES mypackage.h mypackage.cpp)
# core/CMakeLists.txt installs the library and headers into the DurableStudioTargets export set.
include(CMakePackageConfigHelpers)

set(DURABLE_CMAKE_PACKAGE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/DurableStudio)

install(EXPORT DurableStudioTargets
        NAMESPACE DurableStudio::
        FILE DurableStudioTargets.cmake
        DESTINATION ${DURABLE_CMAKE_PACKAGE_DIR})
configure_package_config_file(
    ${CMAKE_CURRENT_LIST_DIR}/DurableStudioConfig.cmake.in
    ${PROJECT_BINARY_DIR}/cmake/DurableStudioConfig.cmake
    INSTALL_DESTINATION ${DURABLE_CMAKE_PACKAGE_DIR})
# Before 1.0 only the same minor version is compatible (the SDK version check of the loader
# agrees: see AgentPackageLoader::isCompatible()).
write_basic_package_version_file(
    ${PROJECT_BINARY_DIR}/cmake/DurableStudioConfigVersion.cmake
    VERSION ${PROJECT_VERSION}
    COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cmake/DurableStudioConfig.cmake
              ${PROJECT_BINARY_DIR}/cmake/DurableStudioConfigVersion.cmake
              ${CMAKE_CURRENT_LIST_DIR}/DurableAgentPackage.cmake
        DESTINATION ${DURABLE_CMAKE_PACKAGE_DIR})
