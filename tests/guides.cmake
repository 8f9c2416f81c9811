# The guides' examples (docs/guide_*.md, docs/from_pytorch.md): every ```c
# block of a page is a program, built here with the tests' warnings and
# sanitizers and run by ctest (tests/run_guide_example.sh); an ```output
# block right after it is what the program must print. tools/doc-examples
# extracts them when CMake configures, and CMake configures again when a
# page changes, so an example cannot drift from the library.
set(TG_GUIDE_PAGES guide_tensors guide_autograd guide_nn guide_optimizers guide_files from_pytorch)
set(TG_GUIDE_DIR ${CMAKE_CURRENT_BINARY_DIR}/guide_examples)
foreach(page ${TG_GUIDE_PAGES})
  set(md ${PROJECT_SOURCE_DIR}/docs/${page}.md)
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${md})
  execute_process(COMMAND sh ${PROJECT_SOURCE_DIR}/tools/doc-examples ${md} ${TG_GUIDE_DIR} ${page}
                  OUTPUT_VARIABLE names ERROR_VARIABLE problem RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "tools/doc-examples: ${problem}")
  endif()
  string(REGEX REPLACE "\n$" "" names "${names}")
  string(REPLACE "\n" ";" names "${names}")
  foreach(name ${names})
    # test_ names, so that CI's valgrind pass runs them too.
    add_executable(test_${name} ${TG_GUIDE_DIR}/${name}.c)
    target_link_libraries(test_${name} PRIVATE tensorgrad_static)
    set(expected "")
    if(EXISTS ${TG_GUIDE_DIR}/${name}.out)
      set(expected ${TG_GUIDE_DIR}/${name}.out)
    endif()
    add_test(NAME ${name} COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/run_guide_example.sh $<TARGET_FILE:test_${name}>
                                     ${expected})
  endforeach()
endforeach()
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tools/doc-examples)

# The autograd guide's picture: the DOT its graph example prints, rendered
# by Graphviz's dot, must be SVG that shows every node of the graph, and the
# picture committed in docs/ must show the same nodes. dot is found when the
# test runs (tools/setup-deps test installs it after the first configure).
add_test(NAME guide_graph_picture
         COMMAND ${TG_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/check_graph_svg.py dot
                 $<TARGET_FILE:test_guide_autograd_graph> ${PROJECT_SOURCE_DIR}/docs/autograd_graph.svg)
