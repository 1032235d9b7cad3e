package jobs

// Abort and retry constants.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_AbortCriteria.html#API_AbortCriteria_Contents
const (
	failureAll    = "ALL"
	actionCancel  = "CANCEL"
	maxRetries    = 10
	maxRetryRules = 2
)

// checkAbort validates an abortConfig.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_AbortCriteria.html#API_AbortCriteria_Contents
func checkAbort(c *AbortConfig) error {
	if c == nil {
		return nil
	}
	if len(c.CriteriaList) == 0 {
		return validation("abortConfig.criteriaList", "Member must have length greater than or equal to 1")
	}
	for _, a := range c.CriteriaList {
		switch a.FailureType {
		case ExecFailed, ExecRejected, ExecTimedOut, failureAll:
		default:
			return validation("abortConfig.criteriaList.member.failureType", "Member must satisfy enum value set: [FAILED, REJECTED, TIMED_OUT, ALL]")
		}
		if a.Action != actionCancel {
			return validation("abortConfig.criteriaList.member.action", "Member must satisfy enum value set: [CANCEL]")
		}
		if a.ThresholdPercentage < 0 || a.ThresholdPercentage > 100 {
			return validation("abortConfig.criteriaList.member.thresholdPercentage", "Member must have value less than or equal to 100")
		}
		if a.MinNumberOfExecutedThings < 1 {
			return validation("abortConfig.criteriaList.member.minNumberOfExecutedThings", "Member must have value greater than or equal to 1")
		}
	}
	return nil
}

// checkRetry validates a jobExecutionsRetryConfig.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_RetryCriteria.html#API_RetryCriteria_Contents
func checkRetry(c *JobExecutionsRetryConfig) error {
	if c == nil {
		return nil
	}
	if len(c.CriteriaList) < 1 || len(c.CriteriaList) > maxRetryRules {
		return validation("jobExecutionsRetryConfig.criteriaList", "Member must have length between 1 and 2")
	}
	for _, r := range c.CriteriaList {
		switch r.FailureType {
		case ExecFailed, ExecTimedOut, failureAll:
		default:
			return validation("jobExecutionsRetryConfig.criteriaList.member.failureType", "Member must satisfy enum value set: [FAILED, TIMED_OUT, ALL]")
		}
		if r.NumberOfRetries < 0 || r.NumberOfRetries > maxRetries {
			return validation("jobExecutionsRetryConfig.criteriaList.member.numberOfRetries", "Member must have value between 0 and 10")
		}
	}
	return nil
}

// abortHit reports whether an abort criterion is met: at least
// minNumberOfExecutedThings things notified, and the failures of the type
// at least thresholdPercentage of them.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-configurations-details.html#job-abort-using
func abortHit(j *job) bool {
	if j.abort == nil {
		return false
	}
	executed := len(j.execs)
	for _, c := range j.abort.CriteriaList {
		if executed < c.MinNumberOfExecutedThings || executed == 0 {
			continue
		}
		failed := 0
		for _, st := range failureStatuses(c.FailureType) {
			failed += countStatus(j, st)
		}
		if float64(failed)*100/float64(executed) >= c.ThresholdPercentage {
			return true
		}
	}
	return false
}

// failureStatuses expands a failureType.
func failureStatuses(t string) []string {
	if t == failureAll {
		return []string{ExecFailed, ExecRejected, ExecTimedOut}
	}
	return []string{t}
}

// retriesAllowed is how many retries the retry config grants an
// execution that ended with status.
// AWS: https://docs.aws.amazon.com/iot/latest/developerguide/jobs-configurations-details.html#job-retry-configuration
func retriesAllowed(j *job, status string) int {
	if j.retry == nil {
		return 0
	}
	n := 0
	for _, c := range j.retry.CriteriaList {
		if c.FailureType == status || (c.FailureType == failureAll && (status == ExecFailed || status == ExecTimedOut)) {
			n = max(n, c.NumberOfRetries)
		}
	}
	return n
}
