//go:build race

package media

// raceDetector: the race detector multiplies memory (shadow memory) and
// time, so tests that measure what a decode costs skip themselves under it;
// `make test-go` runs them again without it.
const raceDetector = true
