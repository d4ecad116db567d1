# Installation and the CMake package `lop` (included from the top-level CMakeLists.txt when
# LOP_INSTALL is ON). Consumers write
#     find_package(lop 0.1 CONFIG REQUIRED)
#     target_link_libraries(app PRIVATE lop::lop)      # header-only library
#     target_link_libraries(app PRIVATE lop::nn)       # + inference layers and data sets (zlib)
#     target_link_libraries(app PRIVATE lop::hwgen)    # Verilog generators + Yosys driver
#     target_link_libraries(app PRIVATE lop::explore)  # design-space exploration (lop-explore's library)
# and get lop_add_verilated() (cmake/LopVerilate.cmake) and LOP_HWGEN_EXECUTABLE.
# lop_project_options (warnings as errors, sanitizers) is build-only and never exported.
include_guard(GLOBAL)
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(LOP_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/lop"
    CACHE STRING "Where lop's CMake package files are installed (relative to the prefix)")
mark_as_advanced(LOP_INSTALL_CMAKEDIR)

# Headers of the header-only library.
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/lop"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
        COMPONENT lop_Development
        FILES_MATCHING PATTERN "*.hpp" PATTERN "*.h")

set(_lop_export_targets lop lop_nn)
set(LOP_PACKAGE_HAS_HWGEN OFF)
set(LOP_PACKAGE_NEEDS_NLOHMANN_JSON OFF)
set(LOP_HWGEN_INSTALL_PATH "")

if(TARGET lop_hwgen)
  set(LOP_PACKAGE_HAS_HWGEN ON)
  # Consumers see lop::hwgen (unless hwgen/CMakeLists.txt chose another export name).
  get_target_property(_lop_hwgen_export_name lop_hwgen EXPORT_NAME)
  if(NOT _lop_hwgen_export_name)
    set_target_properties(lop_hwgen PROPERTIES EXPORT_NAME hwgen)
  endif()
  # lop_project_options must stay out of the export: it is only allowed as
  # $<BUILD_INTERFACE:lop_project_options> (a plain PRIVATE link of a static library would
  # still be exported as $<LINK_ONLY:...>).
  get_target_property(_lop_hwgen_libs lop_hwgen LINK_LIBRARIES)
  get_target_property(_lop_hwgen_type lop_hwgen TYPE)
  if(_lop_hwgen_type STREQUAL "STATIC_LIBRARY" AND "lop_project_options" IN_LIST _lop_hwgen_libs)
    message(FATAL_ERROR "lop: lop_hwgen links lop_project_options directly, which would export "
                        "it; link $<BUILD_INTERFACE:lop_project_options> instead (hwgen/CMakeLists.txt)")
  endif()
  # A static lop_hwgen exports its private dependencies as $<LINK_ONLY:...>: the package
  # config must find them. (Header-only nlohmann_json linked via $<BUILD_INTERFACE:> is not needed.)
  if(_lop_hwgen_libs MATCHES "(^|;)nlohmann_json::nlohmann_json(;|$)" AND _lop_hwgen_type STREQUAL "STATIC_LIBRARY")
    set(LOP_PACKAGE_NEEDS_NLOHMANN_JSON ON)
  endif()
  list(APPEND _lop_export_targets lop_hwgen)
  install(DIRECTORY "${PROJECT_SOURCE_DIR}/hwgen/include/lop"
          DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}"
          COMPONENT lop_Development
          FILES_MATCHING PATTERN "*.hpp" PATTERN "*.h")
  if(TARGET lop_explore)
    list(APPEND _lop_export_targets lop_explore)  # lop::explore (its API speaks nlohmann::json)
    set(LOP_PACKAGE_NEEDS_NLOHMANN_JSON ON)
  endif()
  if(TARGET lop-hwgen)
    list(APPEND _lop_export_targets lop-hwgen)  # imported as lop::lop-hwgen
    set(LOP_HWGEN_INSTALL_PATH "${CMAKE_INSTALL_BINDIR}/lop-hwgen")
  endif()
endif()

install(TARGETS ${_lop_export_targets}
        EXPORT lopTargets
        RUNTIME DESTINATION "${CMAKE_INSTALL_BINDIR}" COMPONENT lop_Runtime
        LIBRARY DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT lop_Runtime
        ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT lop_Development
        INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")

install(EXPORT lopTargets
        NAMESPACE lop::
        FILE lopTargets.cmake
        DESTINATION "${LOP_INSTALL_CMAKEDIR}"
        COMPONENT lop_Development)

configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/lopConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/lopConfig.cmake"
  INSTALL_DESTINATION "${LOP_INSTALL_CMAKEDIR}")
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/lopConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}"
  COMPATIBILITY SameMajorVersion)

set(_lop_cmake_files "${PROJECT_BINARY_DIR}/lopConfig.cmake" "${PROJECT_BINARY_DIR}/lopConfigVersion.cmake")
if(EXISTS "${PROJECT_SOURCE_DIR}/cmake/LopVerilate.cmake")
  list(APPEND _lop_cmake_files "${PROJECT_SOURCE_DIR}/cmake/LopVerilate.cmake")
endif()
install(FILES ${_lop_cmake_files}
        DESTINATION "${LOP_INSTALL_CMAKEDIR}"
        COMPONENT lop_Development)

foreach(_lop_doc LICENSE README.md)
  if(EXISTS "${PROJECT_SOURCE_DIR}/${_lop_doc}")
    install(FILES "${PROJECT_SOURCE_DIR}/${_lop_doc}" DESTINATION "${CMAKE_INSTALL_DOCDIR}" COMPONENT lop_Development)
  endif()
endforeach()
