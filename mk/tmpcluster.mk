# pgc-tmpcluster's own check: SIGTERM reaches the command's whole process
# group (tests/tmpcluster-signals) and the cluster is removed.
.PHONY: tmpcluster-test
tmpcluster-test:
	$(MAKE) $(B)/pgc-tmpcluster
	tests/tmpcluster-signals $(B)/pgc-tmpcluster
TEST_STEPS += tmpcluster-test
