# Run by CPack on the staged package tree, before packing it: what Debian's policy asks of a
# binary package beyond what `cmake --install` does (debhelper's dh_compress and dh_strip).
set(root ${CPACK_TEMPORARY_DIRECTORY}${CPACK_PACKAGING_INSTALL_PREFIX})

# Manual pages and the changelog are compressed, with gzip -9n: no file name or time stamp in
# the gzip header, as lintian asks.
file(GLOB_RECURSE pages ${root}/${CPACK_LJMM_MANDIR}/*)
foreach(page IN LISTS pages)
  execute_process(COMMAND gzip -9nf ${page} COMMAND_ERROR_IS_FATAL ANY)
endforeach()
set(changelog ${root}/${CPACK_LJMM_DOCDIR}/changelog.gz)
execute_process(COMMAND gzip -9nc ${CPACK_LJMM_CHANGELOG} OUTPUT_FILE ${changelog} COMMAND_ERROR_IS_FATAL ANY)

# The archives and ljmm.o keep their symbols but not their debug information, which is most of
# their size (CPACK_STRIP_FILES strips only the tools and shared libraries).
file(GLOB objects ${root}/${CPACK_LJMM_LIBDIR}/*.a ${root}/${CPACK_LJMM_LIBDIR}/ljmm/*.o)
execute_process(COMMAND strip --strip-debug --enable-deterministic-archives ${objects} COMMAND_ERROR_IS_FATAL ANY)

# Folders are 0755 and the changelog 0644 whatever the umask of whoever makes the package (the
# installed files have their modes from the install rules already).
file(CHMOD_RECURSE ${root} DIRECTORY_PERMISSIONS
     OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
file(CHMOD ${changelog} PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
