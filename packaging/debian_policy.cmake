# Run by CPack on the staged package tree, before packing it: what Debian's policy asks of a
# binary package beyond what `cmake --install` does (debhelper's dh_compress and dh_strip).
set(root ${CPACK_TEMPORARY_DIRECTORY}${CPACK_PACKAGING_INSTALL_PREFIX})

# Manual pages and the changelog are compressed, with gzip -9n: no name or time stamp inside,
# so the same tree gives the same package.
file(GLOB_RECURSE pages ${root}/${CPACK_LJMM_MANDIR}/*)
foreach(page IN LISTS pages)
  execute_process(COMMAND gzip -9nf ${page} COMMAND_ERROR_IS_FATAL ANY)
endforeach()
execute_process(COMMAND gzip -9nc ${CPACK_LJMM_CHANGELOG} OUTPUT_FILE ${root}/${CPACK_LJMM_DOCDIR}/changelog.gz
                COMMAND_ERROR_IS_FATAL ANY)

# The archives and ljmm.o keep their symbols but not their debug information, which is most of
# their size (CPACK_STRIP_FILES strips only the tools and shared libraries).
file(GLOB objects ${root}/${CPACK_LJMM_LIBDIR}/*.a ${root}/${CPACK_LJMM_LIBDIR}/ljmm/*.o)
execute_process(COMMAND strip --strip-debug --enable-deterministic-archives ${objects} COMMAND_ERROR_IS_FATAL ANY)
