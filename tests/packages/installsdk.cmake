# SPDX-License-Identifier: MIT
# CTest fixture sdk_install: installs the build tree into a fresh prefix, as a user installs the
# SDK, and checks the SDK's parts are there.
# cmake -DBUILD_DIR=... -DPREFIX=... -DCONFIG=... -DLIBDIR=... -DINCLUDEDIR=... -DBINDIR=...
#       -DDOCDIR=... -DDATADIR=... -P installsdk.cmake
foreach(variable BUILD_DIR PREFIX LIBDIR INCLUDEDIR BINDIR DOCDIR DATADIR)
    if(NOT DEFINED ${variable})
        message(FATAL_ERROR "installsdk.cmake needs -D${variable}=...")
    endif()
endforeach()

file(REMOVE_RECURSE ${PREFIX}) # nothing left over from an earlier run
set(config_args)
if(CONFIG)
    set(config_args --config ${CONFIG})
endif()
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${PREFIX} ${config_args}
                RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "cmake --install ${BUILD_DIR} --prefix ${PREFIX} failed: ${result}")
endif()

foreach(file
        ${LIBDIR}/cmake/DurableStudio/DurableStudioConfig.cmake
        ${LIBDIR}/cmake/DurableStudio/DurableStudioConfigVersion.cmake
        ${LIBDIR}/cmake/DurableStudio/DurableStudioTargets.cmake
        ${LIBDIR}/cmake/DurableStudio/DurableAgentPackage.cmake
        ${LIBDIR}/libdurable_core.so
        ${INCLUDEDIR}/durable/core/agentpackage.h
        ${INCLUDEDIR}/durable/core/agent.h
        ${INCLUDEDIR}/durable/core/sdkversion.h
        ${BINDIR}/durable
        ${DOCDIR}/README.md
        ${DOCDIR}/WRITING_AGENTS.md
        ${DOCDIR}/SCENARIOS.md
        ${DOCDIR}/examples/hello-package/CMakeLists.txt
        ${DOCDIR}/examples/hello-package/hello.json
        ${DOCDIR}/examples/scenarios/counter.json
        ${LIBDIR}/durable-studio/demo-agents/libdurable_demo_agents.so
        ${DATADIR}/durable-studio/schemas/scenario.schema.json)
    if(NOT EXISTS ${PREFIX}/${file})
        message(FATAL_ERROR "The SDK install lacks ${PREFIX}/${file}")
    endif()
endforeach()
message(STATUS "SDK installed in ${PREFIX}")
