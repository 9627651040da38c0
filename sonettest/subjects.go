package sonettest

// Subjects (topics) a group belongs to. Subject 1 "Workgroups" exists from
// the start; AddSubject adds more, and AddGroup registers the subject of a
// seeded group when the fake does not know it yet.

// AddSubject adds a group subject (topic) and returns its ID, the next
// after the highest known one.
func (s *Server) AddSubject(name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := 1
	for known := range s.subjectTable() {
		id = max(id, known)
	}
	s.subjects[id+1] = name
	return id + 1
}

// subjectTable returns the subjects, creating the table on first use.
// Callers hold s.mu.
func (s *Server) subjectTable() map[int]string {
	if s.subjects == nil {
		s.subjects = map[int]string{1: "Workgroups"}
	}
	return s.subjects
}

// subject returns a subject's name and whether it exists. Callers hold s.mu.
func (s *Server) subject(id int) (string, bool) {
	name, ok := s.subjectTable()[id]
	return name, ok
}

// registerSubject records a seeded group's subject if it is new. Callers
// hold s.mu.
func (s *Server) registerSubject(id int, name string) {
	if _, ok := s.subjectTable()[id]; !ok && id > 0 {
		s.subjects[id] = name
	}
}
