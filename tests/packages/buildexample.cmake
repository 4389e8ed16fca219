# SPDX-License-Identifier: MIT
# CTest fixture example_package_build: configures and builds an out-of-tree agent package against
# the SDK installed in PREFIX, in a fresh build directory, as its README tells a user to.
# cmake [-DEXAMPLE_DIR=...] -DSOURCE_DIR=... -DBUILD_DIR=... -DPREFIX=... -DGENERATOR=... -DCXX_COMPILER=...
#       -DBUILD_TYPE=... -DCXX_FLAGS=... -P buildexample.cmake
foreach(variable SOURCE_DIR BUILD_DIR PREFIX GENERATOR CXX_COMPILER)
    if(NOT DEFINED ${variable})
        message(FATAL_ERROR "buildexample.cmake needs -D${variable}=...")
    endif()
endforeach()

# EXAMPLE_DIR: the example as installed with the SDK; it is copied out to SOURCE_DIR first, as a
# user copies it to start their own package.
if(DEFINED EXAMPLE_DIR)
    if(NOT EXISTS ${EXAMPLE_DIR}/CMakeLists.txt)
        message(FATAL_ERROR "The SDK install has no example package in ${EXAMPLE_DIR}")
    endif()
    file(REMOVE_RECURSE ${SOURCE_DIR})
    file(COPY ${EXAMPLE_DIR}/ DESTINATION ${SOURCE_DIR})
endif()
file(REMOVE_RECURSE ${BUILD_DIR})
execute_process(COMMAND ${CMAKE_COMMAND} -S ${SOURCE_DIR} -B ${BUILD_DIR} -G ${GENERATOR}
                        -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
                        -DCMAKE_BUILD_TYPE=${BUILD_TYPE}
                        "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
                        -DCMAKE_PREFIX_PATH=${PREFIX}
                RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "Configuring ${SOURCE_DIR} against the SDK in ${PREFIX} failed: ${result}")
endif()
# The package must use the SDK just installed, not one installed elsewhere on the machine.
file(STRINGS ${BUILD_DIR}/CMakeCache.txt sdk_dir REGEX "^DurableStudio_DIR:")
string(FIND "${sdk_dir}" "DurableStudio_DIR:PATH=${PREFIX}/" position)
if(NOT position EQUAL 0)
    message(FATAL_ERROR "find_package(DurableStudio) did not find the SDK in ${PREFIX}: ${sdk_dir}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --build ${BUILD_DIR} RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "Building ${SOURCE_DIR} failed: ${result}")
endif()
message(STATUS "Built the agent package in ${BUILD_DIR}")
