package jobs

import (
	"encoding/base64"
	"strconv"
)

// defaultPageSize is the page size when maxResults is 0; AWS does not
// document one, the emulator uses the maximum.
// AWS: https://docs.aws.amazon.com/iot/latest/apireference/API_ListJobs.html#iot-ListJobs-request-maxResults
const defaultPageSize = maxPageSize

// pageOf returns a page of items from the offset in token. A token is the
// base64 of the decimal offset.
func pageOf[T any](items []T, token string, size int) ([]T, string, error) {
	if size == 0 {
		size = defaultPageSize
	}
	start := 0
	if token != "" {
		raw, err := base64.StdEncoding.DecodeString(token)
		n, convErr := strconv.Atoi(string(raw))
		if err != nil || convErr != nil || n < 0 || n > len(items) {
			return nil, "", errorf(InvalidRequest, "Invalid nextToken: %s", token)
		}
		start = n
	}
	end := min(start+size, len(items))
	next := ""
	if end < len(items) {
		next = base64.StdEncoding.EncodeToString([]byte(strconv.Itoa(end)))
	}
	return items[start:end], next, nil
}
