# cmake -DFUZZER=... -DCORPUS=<seed dir> -DDICT=<dictionary> -DWORK=<scratch dir> -DSECONDS=15 -P run_fuzzer.cmake
# Copies the seeds into WORK so the fuzzer's new inputs never land in the source tree,
# then fuzzes for SECONDS; any crash, leak or sanitizer report fails the test and
# leaves the reproducer in WORK.
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
file(COPY ${CORPUS}/ DESTINATION ${WORK}/corpus)
set(dict_arg)
if(EXISTS ${DICT})
  set(dict_arg -dict=${DICT})
endif()
execute_process(
  COMMAND ${FUZZER} -max_total_time=${SECONDS} -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
          -artifact_prefix=${WORK}/ ${dict_arg} ${WORK}/corpus
  RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (${status}); reproducer in ${WORK}")
endif()
