package telegramtest_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"

	"github.com/go-telegram/bot/models"

	"nhacviec/bot/telegramtest"
)

func TestWaitFor(t *testing.T) {
	f := setup(t)
	if _, err := f.b.SendMessage(f.ctx, sendText(f.lan.ID, "đã gửi trước")); err != nil {
		t.Fatal(err)
	}
	// A call recorded before WaitFor is found at once.
	c, err := f.srv.WaitFor(f.ctx, func(c telegramtest.Call) bool { return c.Params["text"] == "đã gửi trước" })
	if err != nil || c.Method != "sendMessage" || c.At != t0 {
		t.Fatalf("earlier call: %+v %v", c, err)
	}
	// A later one is waited for; pred may call the server.
	got := make(chan telegramtest.Call, 1)
	waiting := make(chan struct{})
	go func() {
		var once sync.Once
		c, err := f.srv.WaitFor(f.ctx, func(c telegramtest.Call) bool {
			once.Do(func() { close(waiting) })
			_ = f.srv.Sent(f.lan.ID)
			return c.Method == "answerCallbackQuery"
		})
		if err != nil {
			t.Error(err)
		}
		got <- c
	}()
	<-waiting // WaitFor has looked at the calls so far
	m, _ := f.srv.LastSent(f.lan.ID)
	f.srv.Press(f.lan, m.Message(), "x")
	cq := poll(t, f.srv, nil)[0].CallbackQuery
	if _, err := f.b.AnswerCallbackQuery(f.ctx, answer(cq.ID, "Xong")); err != nil {
		t.Fatal(err)
	}
	if c := <-got; c.Params["callback_query_id"] != cq.ID || c.Params["text"] != "Xong" {
		t.Fatalf("waited call: %+v", c)
	}

	ctx, cancel := context.WithCancel(f.ctx)
	cancel()
	if _, err := f.srv.WaitFor(ctx, func(telegramtest.Call) bool { return false }); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
	f.srv.Close()
	if _, err := f.srv.WaitFor(f.ctx, func(telegramtest.Call) bool { return false }); !errors.Is(err, telegramtest.ErrClosed) {
		t.Fatalf("closed: %v", err)
	}
	if len(f.srv.Sent(f.lan.ID)) != 1 {
		t.Fatal("the state is gone after Close")
	}
}

func TestWaitCallsAndReset(t *testing.T) {
	f := setup(t)
	done := make(chan error, 1)
	go func() { done <- f.srv.WaitCalls(f.ctx, "SendMessage", 3) }()
	for i := 0; i < 3; i++ {
		select {
		case err := <-done:
			t.Fatalf("WaitCalls returned after %d calls: %v", i, err)
		default:
		}
		if _, err := f.b.SendMessage(f.ctx, sendText(f.lan.ID, strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	f.srv.Reset()
	if n := len(f.srv.Calls()); n != 0 {
		t.Fatalf("%d calls after Reset", n)
	}
	if n := len(f.srv.Sent(f.lan.ID)); n != 3 {
		t.Fatalf("Reset forgot messages: %d", n)
	}
	ctx, cancel := context.WithCancel(f.ctx)
	cancel()
	if err := f.srv.WaitCalls(ctx, "sendMessage", 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("counts restart after Reset: %v", err)
	}
	// Failed calls count too.
	_, _ = f.b.SendMessage(f.ctx, sendText(f.lan.ID, ""))
	if err := f.srv.WaitCalls(f.ctx, "sendMessage", 1); err != nil {
		t.Fatal(err)
	}
}

func TestCallsAreCopies(t *testing.T) {
	f := setup(t)
	if _, err := f.b.SendMessage(f.ctx, sendKB(f.lan.ID, "x", keyboard(row(cbButton{"A", "a"})))); err != nil {
		t.Fatal(err)
	}
	calls := f.srv.Calls()
	calls[0].Params["text"] = "đổi"
	sent := f.srv.Sent(f.lan.ID)
	sent[0].Keyboard[0][0].Data = "đổi"
	if f.srv.CallsTo("sendMessage")[0].Params["text"] != "x" {
		t.Fatal("Calls shares its maps")
	}
	if m, _ := f.srv.LastSent(f.lan.ID); m.Keyboard[0][0].Data != "a" {
		t.Fatal("Sent shares its keyboards")
	}
}

// Many goroutines use the server at once, as the bot's workers do; run with -race.
func TestConcurrentUse(t *testing.T) {
	f := setup(t)
	const workers, perWorker = 8, 25
	users := make([]models.User, workers)
	for i := range users {
		users[i] = f.srv.NewUser("Giáo viên", strconv.Itoa(i))
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(3)
		go func(u models.User) { // the bot's workers
			defer wg.Done()
			for i := 0; i < perWorker; i++ {
				msg, err := f.b.SendMessage(f.ctx, sendKB(u.ID, fmt.Sprintf("<b>%d</b>", i), keyboard(row(cbButton{"OK", "ok"}))))
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := f.b.EditMessageText(f.ctx, editText(u.ID, msg.ID, fmt.Sprintf("<i>%d</i>", i), nil)); err != nil {
					t.Error(err)
					return
				}
			}
		}(users[w])
		go func(u models.User) { // the users
			defer wg.Done()
			for i := 0; i < perWorker; i++ {
				f.srv.SendText(u, "/baocao "+strconv.Itoa(i))
				if m, ok := f.srv.LastSent(u.ID); ok {
					f.srv.Press(u, m.Message(), "ok")
				}
			}
		}(users[w])
		go func() { // the test reading
			defer wg.Done()
			for i := 0; i < perWorker; i++ {
				_ = f.srv.Calls()
				_ = f.srv.UnansweredCallbacks()
				_ = f.srv.PendingUpdates()
			}
		}()
	}
	// One poller drains the queue meanwhile.
	pollDone := make(chan int)
	go func() {
		var offset int64
		seen := 0
		for seen < workers*perWorker {
			ups, err := tryPoll(f.ctx, f.srv, map[string]any{"offset": offset, "timeout": 5})
			if err != nil {
				t.Error(err)
				break
			}
			for _, u := range ups {
				if u.Message != nil {
					seen++
				}
				offset = u.ID + 1
			}
		}
		pollDone <- seen
	}()
	wg.Wait()
	if seen := <-pollDone; seen != workers*perWorker {
		t.Fatalf("%d messages polled", seen)
	}
	for _, u := range users {
		sent := f.srv.Sent(u.ID)
		if len(sent) != perWorker {
			t.Fatalf("user %d: %d messages", u.ID, len(sent))
		}
		for i, m := range sent {
			if m.Edits != 1 || m.PlainText() != strconv.Itoa(i) || i > 0 && m.MessageID <= sent[i-1].MessageID {
				t.Fatalf("message %d: %+v", i, m)
			}
		}
	}
	if n := len(f.srv.CallsTo("editMessageText")); n != workers*perWorker {
		t.Fatalf("%d edits recorded", n)
	}
}
