package jobs

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
)

// Patterns and lengths of botocore iot/2015-05-28 and iot-jobs-data
// shapes.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateJob.html#API_CreateJob_RequestSyntax
var (
	idPattern        = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)
	thingPattern     = regexp.MustCompile(`^[a-zA-Z0-9:_-]+$`)
	reasonPattern    = regexp.MustCompile(`^[\p{Lu}\p{Nd}_]+$`)
	detailKeyPattern = regexp.MustCompile(`^[a-zA-Z0-9:_-]+$`)
	targetARNPattern = regexp.MustCompile(`^arn:aws[a-z-]*:iot:[a-z0-9-]+:\d{12}:(thing|thinggroup)/([a-zA-Z0-9:_-]+)$`)
)

// Length limits. AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateJob.html#API_CreateJob_RequestSyntax
const (
	maxIDLength          = 64
	maxThingNameLength   = 128
	maxDescriptionLength = 2028
	maxCommentLength     = 2028
	maxReasonCodeLength  = 128
	maxTargetARNLength   = 2048
	maxDetailsKeyLength  = 128
	maxDetailsValue      = 1024
	maxDocSourceLength   = 1350
	maxPageSize          = 250
	maxStepTimeout       = 10080
	maxInProgressTimeout = 10080
)

// validation returns AWS's (Coral) validation error text.
func validation(member, constraint string) *Error {
	return errorf(InvalidRequest, "1 validation error detected: Value at '%s' failed to satisfy constraint: %s", member, constraint)
}

// checkID validates a jobId or jobTemplateId.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateJob.html#iot-CreateJob-request-uri-jobId
func checkID(member, id string) error {
	if id == "" || len(id) > maxIDLength {
		return validation(member, fmt.Sprintf("Member must have length between 1 and %d", maxIDLength))
	}
	if !idPattern.MatchString(id) {
		return validation(member, "Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+")
	}
	return nil
}

// checkThingName validates a thing name.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_iot-jobs-data_GetPendingJobExecutions.html#API_iot-jobs-data_GetPendingJobExecutions_RequestSyntax
func checkThingName(name string) error {
	if name == "" || len(name) > maxThingNameLength {
		return validation("thingName", fmt.Sprintf("Member must have length between 1 and %d", maxThingNameLength))
	}
	if !thingPattern.MatchString(name) {
		return validation("thingName", "Member must satisfy regular expression pattern: [a-zA-Z0-9:_-]+")
	}
	return nil
}

// checkText validates a description or comment: length and no control
// characters ([^\p{C}]+).
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateJob.html#iot-CreateJob-request-description
func checkText(member, s string, maxLen int) error {
	if len(s) > maxLen {
		return validation(member, fmt.Sprintf("Member must have length less than or equal to %d", maxLen))
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return validation(member, `Member must satisfy regular expression pattern: [^\p{C}]+`)
	}
	return nil
}

// checkReasonCode validates a CancelJob reasonCode.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CancelJob.html#iot-CancelJob-request-reasonCode
func checkReasonCode(s string) error {
	if s == "" {
		return nil
	}
	if len(s) > maxReasonCodeLength {
		return validation("reasonCode", fmt.Sprintf("Member must have length less than or equal to %d", maxReasonCodeLength))
	}
	if !reasonPattern.MatchString(s) {
		return validation("reasonCode", `Member must satisfy regular expression pattern: [\p{Upper}\p{Digit}_]+`)
	}
	return nil
}

// target is a parsed target ARN.
type target struct {
	arn   string
	group bool
	name  string
}

// parseTargets validates the targets of CreateJob or
// AssociateTargetsWithJob: 1..Limits.MaxTargets thing or thing-group ARNs
// of this account and region.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_CreateJob.html#iot-CreateJob-request-targets
func (s *Service) parseTargets(arns []string) ([]target, error) {
	if len(arns) == 0 {
		return nil, validation("targets", "Member must have length greater than or equal to 1")
	}
	if len(arns) > s.cfg.Limits.MaxTargets {
		return nil, errorf(LimitExceeded, "The number of targets (%d) exceeds the limit of %d.", len(arns), s.cfg.Limits.MaxTargets)
	}
	out := make([]target, 0, len(arns))
	for _, a := range arns {
		m := targetARNPattern.FindStringSubmatch(a)
		if len(a) > maxTargetARNLength || m == nil {
			return nil, errorf(InvalidRequest, "Invalid target ARN: %s", a)
		}
		if a != s.arn(m[1]+"/"+m[2]) {
			return nil, errorf(InvalidRequest, "Target %s is not in account %s, region %s", a, s.cfg.AccountID, s.cfg.Region)
		}
		out = append(out, target{arn: a, group: m[1] == "thinggroup", name: m[2]})
	}
	return out, nil
}

// checkDetails validates a statusDetails map.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_iot-jobs-data_UpdateJobExecution.html#iotjobsdata-UpdateJobExecution-request-statusDetails
func checkDetails(d map[string]string) error {
	for k, v := range d {
		if k == "" || len(k) > maxDetailsKeyLength || !detailKeyPattern.MatchString(k) {
			return validation("statusDetails", "Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z0-9:_-]+]")
		}
		if v == "" || len(v) > maxDetailsValue || strings.IndexFunc(v, unicode.IsControl) >= 0 {
			return validation("statusDetails", "Map value must satisfy constraint: [Member must have length between 1 and 1024]")
		}
	}
	return nil
}

// checkTimeout validates a timeoutConfig.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_TimeoutConfig.html#iot-Type-TimeoutConfig-inProgressTimeoutInMinutes
func checkTimeout(c *TimeoutConfig) error {
	if c == nil || c.InProgressTimeoutInMinutes == 0 {
		return nil
	}
	if c.InProgressTimeoutInMinutes < 1 || c.InProgressTimeoutInMinutes > maxInProgressTimeout {
		return errorf(InvalidRequest, "inProgressTimeoutInMinutes must be between 1 and %d", maxInProgressTimeout)
	}
	return nil
}

// checkPresigned validates a presignedUrlConfig.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_PresignedUrlConfig.html#iot-Type-PresignedUrlConfig-expiresInSec
func checkPresigned(c *PresignedUrlConfig) error {
	if c == nil || c.ExpiresInSec == 0 {
		return nil
	}
	if c.ExpiresInSec < 60 || c.ExpiresInSec > 3600 {
		return validation("presignedUrlConfig.expiresInSec", "Member must have value between 60 and 3600")
	}
	return nil
}

// checkPageSize validates maxResults (1-250, 0 = default).
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ListJobs.html#iot-ListJobs-request-maxResults
func checkPageSize(n int) error {
	if n < 0 || n > maxPageSize {
		return validation("maxResults", fmt.Sprintf("Member must have value between 1 and %d", maxPageSize))
	}
	return nil
}
