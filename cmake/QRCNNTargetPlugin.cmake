# qrcnn_add_target_plugin(NAME SOURCES...): builds a target plugin, a shared
# library that `qrcnnc --load-target=libNAME.so` loads (see
# include/qrcnn/Target/TargetPlugin.h). It links nothing: the qnn dialect,
# MLIR and the registry come from the qrcnnc executable. Used in-tree (after
# QRCNN::TargetPlugin is defined by cmake/Install.cmake) and from the
# installed package (QRCNNConfig.cmake).
function(qrcnn_add_target_plugin name)
  add_library(${name} MODULE ${ARGN})
  target_link_libraries(${name} PRIVATE QRCNN::TargetPlugin)
  set_target_properties(${name} PROPERTIES
    CXX_STANDARD 17 CXX_STANDARD_REQUIRED ON
    PREFIX "lib"
    CXX_VISIBILITY_PRESET default)
endfunction()
