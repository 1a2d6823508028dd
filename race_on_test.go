//go:build race

package main

// raceEnabled: the tests were built with -race, so the binary they build is too (and shares the
// build cache).
const raceEnabled = true
