package sandbox

import (
	"context"
	"io"
	"testing"
	"time"
)

// BenchmarkStart is the sandbox's start: a database made and migrated, the demo seeded (units,
// seven people joining through the chat, the directive parsed and published, the heads'
// notices sent), the fake server up and the bot polling it; then the session is closed.
func BenchmarkStart(b *testing.B) {
	now := func() time.Time { return monday }
	for b.Loop() {
		s, err := New(context.Background(), Options{Now: now, Out: io.Discard})
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExchange is one message typed and answered: /nhiemvu from a head, until the bot's
// answer is printed.
func BenchmarkExchange(b *testing.B) {
	s, err := New(context.Background(), Options{Now: func() time.Time { return monday }, Out: io.Discard})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for b.Loop() {
		if _, err := s.handle(context.Background(), "/nhiemvu"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDay is :thoigian +1d: 96 reminder ticks, each with the outbox drained.
func BenchmarkDay(b *testing.B) {
	s, err := New(context.Background(), Options{Now: func() time.Time { return monday }, Out: io.Discard})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for b.Loop() {
		if err := s.moveClock(context.Background(), "+1d"); err != nil {
			b.Fatal(err)
		}
	}
}
