package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"time"

	"github.com/go-telegram/bot/models"

	"nhacviec/bot/telegramtest"
)

// The fake Bot API server runs in a child process, so that the CPU time this process measures is
// the bot's alone. The child listens for a few control calls beside the Bot API.

// runFake is the child: it serves the fake Bot API and the control calls until stdin closes.
func runFake() {
	srv := telegramtest.New(telegramtest.Options{})
	defer srv.Close()
	users := map[int64]models.User{}
	mux := http.NewServeMux()
	mux.HandleFunc("/users", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		ids := make([]int64, n)
		for i := range ids {
			u := srv.NewUser("Hiệu trưởng", strconv.Itoa(i))
			users[u.ID] = u
			ids[i] = u.ID
		}
		_ = json.NewEncoder(w).Encode(ids)
	})
	mux.HandleFunc("/queue", func(w http.ResponseWriter, r *http.Request) {
		var msgs []struct {
			From int64
			Text string
		}
		if err := json.NewDecoder(r.Body).Decode(&msgs); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		for _, m := range msgs {
			srv.SendText(users[m.From], m.Text)
		}
	})
	mux.HandleFunc("/wait", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		ctx, cancel := context.WithTimeout(r.Context(), 10*time.Minute)
		defer cancel()
		if err := srv.WaitCalls(ctx, r.URL.Query().Get("method"), n); err != nil {
			http.Error(w, err.Error(), 500)
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	go func() { _ = http.Serve(ln, mux) }()
	fmt.Printf("%s %s %s\n", srv.URL(), "http://"+ln.Addr().String(), srv.Token())
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n') // the parent closes stdin when it is done
}

// fake is the parent's handle on a child fake server.
type fake struct {
	cmd     *exec.Cmd
	stdin   interface{ Close() error }
	api     string // the Bot API URL for the bot
	control string
	token   string
}

func startFake() *fake {
	self, err := os.Executable()
	check(err)
	cmd := exec.Command(self, "-fake")
	stdin, err := cmd.StdinPipe()
	check(err)
	stdout, err := cmd.StdoutPipe()
	check(err)
	cmd.Stderr = os.Stderr
	check(cmd.Start())
	var f fake
	_, err = fmt.Fscan(bufio.NewReader(stdout), &f.api, &f.control, &f.token)
	check(err)
	f.cmd, f.stdin = cmd, stdin
	return &f
}

func (f *fake) stop() {
	_ = f.stdin.Close()
	_ = f.cmd.Wait()
}

func (f *fake) users(n int) []int64 {
	resp, err := http.Post(f.control+"/users?n="+strconv.Itoa(n), "", nil)
	check(err)
	defer resp.Body.Close()
	var ids []int64
	check(json.NewDecoder(resp.Body).Decode(&ids))
	return ids
}

type message struct {
	From int64
	Text string
}

func (f *fake) queue(msgs []message) {
	data, err := json.Marshal(msgs)
	check(err)
	resp, err := http.Post(f.control+"/queue", "application/json", bytesReader(data))
	check(err)
	resp.Body.Close()
}

// wait blocks until the fake has recorded n calls of the method.
func (f *fake) wait(method string, n int) {
	resp, err := http.Get(f.control + "/wait?method=" + method + "&n=" + strconv.Itoa(n))
	check(err)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		check(fmt.Errorf("waiting for %d %s: HTTP %d", n, method, resp.StatusCode))
	}
}
