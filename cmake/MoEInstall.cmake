# `cmake --install` and the CMake package: headers (hand-written and
# generated), TableGen sources, libraries, tools, the plugin, and
# lib/cmake/moe/MoEConfig.cmake so that another project can
# find_package(MoE CONFIG) and link MoE::MLIRMoE, MoE::All, ...
# (examples/consumer, scripts/install-test.sh).

include(CMakePackageConfigHelpers)
include(GNUInstallDirs)

# Our libraries: every add_mlir_library target of this project (those in
# MLIR_ALL_LIBS that are not MLIR's imported ones), however many lib/ has.
# add_mlir_library already installs each into the MLIRTargets export set.
get_property(_moe_all_libs GLOBAL PROPERTY MLIR_ALL_LIBS)
get_property(_moe_translation_libs GLOBAL PROPERTY MLIR_TRANSLATION_LIBS)
set(MOE_EXPORTED_LIBS)
set(MOE_EXPORTED_DIALECT_AND_PASS_LIBS)
foreach(lib IN LISTS _moe_all_libs)
  if(TARGET ${lib})
    get_target_property(_imported ${lib} IMPORTED)
    if(NOT _imported)
      list(APPEND MOE_EXPORTED_LIBS ${lib})
      if(NOT lib IN_LIST _moe_translation_libs)
        list(APPEND MOE_EXPORTED_DIALECT_AND_PASS_LIBS ${lib})
      endif()
      # Consumers get our headers and MLIR's/LLVM's (Debian's imported MLIR
      # targets carry no include directories) and C++17.
      target_include_directories(${lib} INTERFACE
        $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
      foreach(dir IN LISTS MLIR_INCLUDE_DIRS LLVM_INCLUDE_DIRS)
        target_include_directories(${lib} SYSTEM INTERFACE
          $<INSTALL_INTERFACE:${dir}>)
      endforeach()
      target_compile_features(${lib} INTERFACE cxx_std_17)
    endif()
  endif()
endforeach()

# Headers: include/moe/**.h and the generated build/include/moe/**.inc.
install(DIRECTORY ${MOE_SOURCE_DIR}/include/moe
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  COMPONENT moe-headers
  FILES_MATCHING PATTERN "*.h")
install(DIRECTORY ${MOE_BINARY_DIR}/include/moe
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  COMPONENT moe-headers
  FILES_MATCHING PATTERN "*.inc" PATTERN "*.h"
  PATTERN "CMakeFiles" EXCLUDE)
# TableGen sources, for dialects and passes built on ours: add
# MOE_TABLEGEN_INCLUDE_DIR to the tablegen include path.
install(DIRECTORY ${MOE_SOURCE_DIR}/dialects/
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/moe/tablegen
  COMPONENT moe-headers
  FILES_MATCHING PATTERN "*.td")

set(MOE_INSTALL_PACKAGE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/moe)
install(EXPORT MLIRTargets
  FILE MoETargets.cmake
  NAMESPACE MoE::
  DESTINATION ${MOE_INSTALL_PACKAGE_DIR}
  COMPONENT moe-cmake-exports)

configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/MoEConfig.cmake.in
  ${MOE_BINARY_DIR}/lib/cmake/moe/MoEConfig.cmake
  INSTALL_DESTINATION ${MOE_INSTALL_PACKAGE_DIR}
  PATH_VARS CMAKE_INSTALL_INCLUDEDIR CMAKE_INSTALL_BINDIR CMAKE_INSTALL_LIBDIR)
write_basic_package_version_file(
  ${MOE_BINARY_DIR}/lib/cmake/moe/MoEConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)
install(FILES
  ${MOE_BINARY_DIR}/lib/cmake/moe/MoEConfig.cmake
  ${MOE_BINARY_DIR}/lib/cmake/moe/MoEConfigVersion.cmake
  DESTINATION ${MOE_INSTALL_PACKAGE_DIR}
  COMPONENT moe-cmake-exports)
