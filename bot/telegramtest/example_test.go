package telegramtest_test

import (
	"context"
	"errors"
	"fmt"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"nhacviec/bot/telegramtest"
)

// A test starts the server, points the bot at it, plays a user, and looks at what the bot did.
// Here the "bot" is a go-telegram/bot client driven by hand.
func Example() {
	srv := telegramtest.New(telegramtest.Options{})
	defer srv.Close()
	b, err := tg.New(srv.Token(), tg.WithServerURL(srv.URL()), tg.WithSkipGetMe())
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	lan := srv.NewUser("Nguyễn Thị", "Lan")

	// The bot sends a message with a button. (go-telegram/bot's models.InlineKeyboardMarkup
	// cannot be used: Telegram rejects the empty copy_text it puts on every button.)
	_, err = b.SendMessage(ctx, &tg.SendMessageParams{
		ChatID: lan.ID, Text: "<b>Nhiệm vụ 1</b>: nộp báo cáo", ParseMode: models.ParseModeHTML,
		ReplyMarkup: map[string]any{"inline_keyboard": [][]map[string]string{{{"text": "Đã xong", "callback_data": "done:1"}}}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	m, _ := srv.LastSent(lan.ID)
	button, _ := m.Button("xong")
	fmt.Println(m.PlainText())
	fmt.Println(button.Data)

	// The user presses the button: a callback_query waits for the bot's getUpdates.
	srv.Press(lan, m.Message(), button.Data)
	fmt.Println(srv.PendingUpdates(), len(srv.UnansweredCallbacks()))

	// Telegram is busy once.
	srv.Fail(telegramtest.Failure{Method: "sendMessage", Code: 429, RetryAfter: 3, Times: 1})
	_, err = b.SendMessage(ctx, &tg.SendMessageParams{ChatID: lan.ID, Text: "Nhắc lại"})
	var tooMany *tg.TooManyRequestsError
	fmt.Println(errors.As(err, &tooMany), tooMany.RetryAfter)
	// Output:
	// Nhiệm vụ 1: nộp báo cáo
	// done:1
	// 1 1
	// true 3
}
