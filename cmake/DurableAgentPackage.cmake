# SPDX-License-Identifier: MIT
# durable_add_agent_package(<target> SOURCES <file>...)
#
# Builds an agent package: a MODULE library (a Qt plugin, loaded at run time by
# `durable --agents DIR` and durable-studio, never linked) with AUTOMOC on, linked to
# DurableStudio::Core. Its plugin class needs Q_PLUGIN_METADATA(IID DURABLE_AGENT_PACKAGE_IID)
# and Q_INTERFACES(Durable::AgentPackage); see durable/core/agentpackage.h.
#
# Installed with the SDK's CMake package (DurableStudioConfig.cmake includes it); the source tree
# includes it too, so in-tree test packages are built the way users build theirs.
function(durable_add_agent_package target)
    cmake_parse_arguments(PARSE_ARGV 1 ARG "" "" "SOURCES")
    if(ARG_UNPARSED_ARGUMENTS)
        message(FATAL_ERROR "durable_add_agent_package(${target}): unexpected arguments "
                            "\"${ARG_UNPARSED_ARGUMENTS}\"; usage: "
                            "durable_add_agent_package(<target> SOURCES <file>...)")
    endif()
    if(NOT ARG_SOURCES)
        message(FATAL_ERROR "durable_add_agent_package(${target}): no SOURCES given")
    endif()
    add_library(${target} MODULE ${ARG_SOURCES})
    set_target_properties(${target} PROPERTIES AUTOMOC ON)
    target_link_libraries(${target} PRIVATE DurableStudio::Core)
endfunction()
