"""Scene-change candidates and violation cases (vụ việc vi phạm): review, cases, steps."""
