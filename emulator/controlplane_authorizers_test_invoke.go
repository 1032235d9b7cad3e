package emulator

import "net/http"

// handleTestInvokeAuthorizer: see customauth_testinvoke.go.
func (s *Server) handleTestInvokeAuthorizer(w http.ResponseWriter, r *http.Request) {
	writeError(w, invalid("TestInvokeAuthorizer is not implemented yet"))
}
