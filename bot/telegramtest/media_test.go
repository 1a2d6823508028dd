package telegramtest_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	tg "github.com/go-telegram/bot"
	"github.com/go-telegram/bot/models"

	"nhacviec/bot/telegramtest"
)

// download fetches a file the way a bot does: getFile, then the download link.
func download(t *testing.T, f fixture, fileID string) (*models.File, []byte) {
	t.Helper()
	file, err := f.b.GetFile(f.ctx, &tg.GetFileParams{FileID: fileID})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(f.b.FileDownloadLink(file))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("download %s: %d %v", file.FilePath, resp.StatusCode, err)
	}
	return file, data
}

func TestUserPhotosAndDocuments(t *testing.T) {
	f := setup(t)
	_, photo := f.srv.Send(telegramtest.MessageOpts{From: f.lan, Photo: true, Caption: "/baocao 1 50%", MediaGroupID: "album1"})
	if len(photo.Photo) != 3 || photo.Caption != "/baocao 1 50%" || len(photo.CaptionEntities) != 1 || photo.MediaGroupID != "album1" {
		t.Fatalf("photo message: %+v", photo)
	}
	ids := map[string]bool{}
	for i, size := range photo.Photo {
		if size.Width != []int{90, 320, 1280}[i] || size.FileID == "" || size.FileUniqueID == "" || ids[size.FileID] || ids[size.FileUniqueID] {
			t.Fatalf("size %d: %+v", i, size)
		}
		ids[size.FileID], ids[size.FileUniqueID] = true, true
		file, data := download(t, f, size.FileID)
		if file.FileID != size.FileID || file.FileUniqueID != size.FileUniqueID || int(file.FileSize) != len(data) || size.FileSize != len(data) || len(data) == 0 {
			t.Fatalf("file %+v, %d bytes", file, len(data))
		}
	}
	_, again := f.srv.Send(telegramtest.MessageOpts{From: f.lan, Photo: true})
	if again.Photo[2].FileID == photo.Photo[2].FileID {
		t.Fatal("two photos share a file id")
	}
	pdf := []byte("%PDF-1.7 biên bản họp")
	_, doc := f.srv.Send(telegramtest.MessageOpts{From: f.lan, Text: "Biên bản", Document: &telegramtest.DocumentOpts{FileName: "bien-ban.pdf", MimeType: "application/pdf", Content: pdf}})
	d := doc.Document
	if d == nil || d.FileName != "bien-ban.pdf" || d.MimeType != "application/pdf" || d.FileSize != int64(len(pdf)) || doc.Caption != "Biên bản" || doc.Text != "" {
		t.Fatalf("document message: %+v %+v", doc, d)
	}
	if file, data := download(t, f, d.FileID); !bytes.Equal(data, pdf) || !strings.HasSuffix(file.FilePath, ".pdf") {
		t.Fatalf("download %q %q", file.FilePath, data)
	}
	_, err := f.b.GetFile(f.ctx, &tg.GetFileParams{FileID: "nope"})
	wantBadRequest(t, err, "Bad Request: invalid file_id")
	// The updates carry the same files.
	ups := poll(t, f.srv, nil)
	if ups[0].Message.Photo[1].FileID != photo.Photo[1].FileID || ups[2].Message.Document.FileID != d.FileID {
		t.Fatal("updates and returned messages differ")
	}
}

func TestSendPhoto(t *testing.T) {
	f := setup(t)
	_, userPhoto := f.srv.Send(telegramtest.MessageOpts{From: f.lan, Photo: true})
	largest := userPhoto.Photo[2].FileID

	msg, err := f.b.SendPhoto(f.ctx, &tg.SendPhotoParams{ChatID: f.lan.ID, Photo: &models.InputFileString{Data: largest},
		Caption: "<b>Minh chứng</b> nhiệm vụ 1", ParseMode: models.ParseModeHTML, ReplyMarkup: keyboard(row(cbButton{"Xem", "v"}))})
	if err != nil {
		t.Fatal(err)
	}
	if len(msg.Photo) != 3 || msg.Photo[2].FileID != largest || msg.Caption != "Minh chứng nhiệm vụ 1" || len(msg.CaptionEntities) != 1 || msg.Text != "" || msg.ReplyMarkup == nil {
		t.Fatalf("by file_id: %+v", msg)
	}
	m, _ := f.srv.LastSent(f.lan.ID)
	if m.MediaType != "photo" || m.Photo != largest || m.FileID != largest || m.Caption != "<b>Minh chứng</b> nhiệm vụ 1" || m.PlainText() != "Minh chứng nhiệm vụ 1" || m.Keyboard == nil {
		t.Fatalf("sent: %+v", m)
	}
	if got := m.Message(); len(got.Photo) != 3 || got.Caption != "Minh chứng nhiệm vụ 1" || got.Text != "" {
		t.Fatalf("Message(): %+v", got)
	}

	jpeg := []byte("\xff\xd8\xff ảnh chụp biên bản \xff\xd9")
	msg, err = f.b.SendPhoto(f.ctx, &tg.SendPhotoParams{ChatID: f.lan.ID, Photo: &models.InputFileUpload{Filename: "bien-ban.jpg", Data: bytes.NewReader(jpeg)}})
	if err != nil {
		t.Fatal(err)
	}
	if len(msg.Photo) != 3 || msg.Photo[2].FileID == largest {
		t.Fatalf("upload: %+v", msg.Photo)
	}
	if _, data := download(t, f, msg.Photo[2].FileID); !bytes.Equal(data, jpeg) {
		t.Fatalf("the uploaded bytes: %q", data)
	}
	calls := f.srv.CallsTo("sendPhoto")
	if len(calls) != 2 || calls[1].Files["photo"].FileName != "bien-ban.jpg" || !bytes.Equal(calls[1].Files["photo"].Content, jpeg) {
		t.Fatalf("recorded upload: %+v", calls)
	}

	if _, err := f.b.SendPhoto(f.ctx, &tg.SendPhotoParams{ChatID: f.lan.ID, Photo: &models.InputFileString{Data: "https://truong.edu.vn/anh.jpg"}}); err != nil {
		t.Fatalf("by URL: %v", err)
	}
	_, doc := f.srv.Send(telegramtest.MessageOpts{From: f.lan, Document: &telegramtest.DocumentOpts{FileName: "a.pdf", Content: []byte("%PDF")}})
	tests := []struct {
		name string
		p    *tg.SendPhotoParams
		want string
	}{
		{"unknown file id", &tg.SendPhotoParams{ChatID: f.lan.ID, Photo: &models.InputFileString{Data: "AgACAgIAAxkBAAI-nope"}}, "Bad Request: wrong file identifier/HTTP URL specified"},
		{"a document's file id", &tg.SendPhotoParams{ChatID: f.lan.ID, Photo: &models.InputFileString{Data: doc.Document.FileID}}, "type of file mismatch"},
		{"caption too long", &tg.SendPhotoParams{ChatID: f.lan.ID, Photo: &models.InputFileString{Data: largest}, Caption: strings.Repeat("😀", 513)}, "message caption is too long"},
		{"caption HTML", &tg.SendPhotoParams{ChatID: f.lan.ID, Photo: &models.InputFileString{Data: largest}, Caption: "<i>x", ParseMode: models.ParseModeHTML}, "can't parse entities"},
		{"empty upload", &tg.SendPhotoParams{ChatID: f.lan.ID, Photo: &models.InputFileUpload{Filename: "x.jpg", Data: bytes.NewReader(nil)}}, "file must be non-empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.b.SendPhoto(f.ctx, tc.p)
			wantBadRequest(t, err, tc.want)
		})
	}
	if _, err := f.b.SendPhoto(f.ctx, &tg.SendPhotoParams{ChatID: f.lan.ID, Photo: &models.InputFileString{Data: largest}, Caption: strings.Repeat("😀", 512)}); err != nil {
		t.Fatalf("a 1024-unit caption: %v", err)
	}
}

func TestSendDocument(t *testing.T) {
	f := setup(t)
	xlsx := []byte("PK\x03\x04 bảng tổng hợp")
	msg, err := f.b.SendDocument(f.ctx, &tg.SendDocumentParams{ChatID: f.lan.ID, Document: &models.InputFileUpload{Filename: "tong-hop.xlsx", Data: bytes.NewReader(xlsx)}, Caption: "Tổng hợp"})
	if err != nil {
		t.Fatal(err)
	}
	d := msg.Document
	if d == nil || d.FileName != "tong-hop.xlsx" || d.MimeType != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" || d.FileSize != int64(len(xlsx)) || msg.Caption != "Tổng hợp" {
		t.Fatalf("document: %+v %+v", msg, d)
	}
	if _, data := download(t, f, d.FileID); !bytes.Equal(data, xlsx) {
		t.Fatalf("download %q", data)
	}
	again, err := f.b.SendDocument(f.ctx, &tg.SendDocumentParams{ChatID: f.lan.ID, Document: &models.InputFileString{Data: d.FileID}})
	if err != nil || again.Document.FileID != d.FileID || again.Document.FileName != "tong-hop.xlsx" {
		t.Fatalf("by file_id: %+v %v", again, err)
	}
	if m, _ := f.srv.LastSent(f.lan.ID); m.MediaType != "document" || m.DocumentFileID != d.FileID {
		t.Fatalf("sent: %+v", m)
	}
	_, err = f.b.SendDocument(f.ctx, &tg.SendDocumentParams{ChatID: f.lan.ID, Document: &models.InputFileString{Data: ""}})
	wantBadRequest(t, err, "there is no document in the request")
}

func TestEditMessageCaption(t *testing.T) {
	f := setup(t)
	_, userPhoto := f.srv.Send(telegramtest.MessageOpts{From: f.lan, Photo: true})
	msg, err := f.b.SendPhoto(f.ctx, &tg.SendPhotoParams{ChatID: f.lan.ID, Photo: &models.InputFileString{Data: userPhoto.Photo[0].FileID}, Caption: "cũ"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.b.EditMessageText(f.ctx, editText(f.lan.ID, msg.ID, "x", nil))
	wantBadRequest(t, err, "there is no text in the message to edit")
	if _, err := f.b.EditMessageCaption(f.ctx, &tg.EditMessageCaptionParams{ChatID: f.lan.ID, MessageID: msg.ID, Caption: "mới"}); err != nil {
		t.Fatal(err)
	}
	_, err = f.b.EditMessageCaption(f.ctx, &tg.EditMessageCaptionParams{ChatID: f.lan.ID, MessageID: msg.ID, Caption: "mới"})
	wantBadRequest(t, err, "message is not modified")
	if m, _ := f.srv.LastSent(f.lan.ID); m.Caption != "mới" || m.Edits != 1 {
		t.Fatalf("sent: %+v", m)
	}
	text, _ := f.b.SendMessage(f.ctx, sendText(f.lan.ID, "chữ"))
	_, err = f.b.EditMessageCaption(f.ctx, &tg.EditMessageCaptionParams{ChatID: f.lan.ID, MessageID: text.ID, Caption: "x"})
	wantBadRequest(t, err, "there is no caption in the message to edit")
}

func TestSendMediaGroup(t *testing.T) {
	f := setup(t)
	_, p1 := f.srv.Send(telegramtest.MessageOpts{From: f.lan, Photo: true})
	_, p2 := f.srv.Send(telegramtest.MessageOpts{From: f.lan, Photo: true})
	_, doc := f.srv.Send(telegramtest.MessageOpts{From: f.lan, Document: &telegramtest.DocumentOpts{FileName: "a.pdf", Content: []byte("%PDF")}})
	photo := func(id string) models.InputMedia { return &models.InputMediaPhoto{Media: id} }

	msgs, err := f.b.SendMediaGroup(f.ctx, &tg.SendMediaGroupParams{ChatID: f.lan.ID, Media: []models.InputMedia{
		&models.InputMediaPhoto{Media: p1.Photo[2].FileID, Caption: "<b>Album</b>", ParseMode: models.ParseModeHTML},
		photo(p2.Photo[2].FileID),
		&models.InputMediaPhoto{Media: "attach://moi", MediaAttachment: strings.NewReader("\xff\xd8\xff mới")},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 3 || msgs[0].MediaGroupID == "" || msgs[1].MediaGroupID != msgs[0].MediaGroupID || msgs[2].MediaGroupID != msgs[0].MediaGroupID ||
		msgs[0].Caption != "Album" || msgs[1].ID != msgs[0].ID+1 || len(msgs[2].Photo) != 3 {
		t.Fatalf("album: %+v", msgs)
	}
	if _, data := download(t, f, msgs[2].Photo[2].FileID); string(data) != "\xff\xd8\xff mới" {
		t.Fatalf("attached upload: %q", data)
	}
	sent := f.srv.Sent(f.lan.ID)
	if len(sent) != 3 || sent[2].MediaGroupID != msgs[0].MediaGroupID || sent[0].Photo != p1.Photo[2].FileID {
		t.Fatalf("sent: %+v", sent)
	}
	if c := f.srv.CallsTo("sendMediaGroup"); len(c) != 1 || string(c[0].Files["moi"].Content) != "\xff\xd8\xff mới" {
		t.Fatalf("call: %+v", c)
	}
	docs, err := f.b.SendMediaGroup(f.ctx, &tg.SendMediaGroupParams{ChatID: f.lan.ID, Media: []models.InputMedia{
		&models.InputMediaDocument{Media: doc.Document.FileID}, &models.InputMediaDocument{Media: doc.Document.FileID},
	}})
	if err != nil || len(docs) != 2 || docs[0].MediaGroupID == msgs[0].MediaGroupID || docs[1].Document == nil {
		t.Fatalf("documents: %+v %v", docs, err)
	}

	tests := []struct {
		name  string
		media []models.InputMedia
		want  string
	}{
		{"photo and document", []models.InputMedia{photo(p1.Photo[2].FileID), &models.InputMediaDocument{Media: doc.Document.FileID}}, "Bad Request: document can't be mixed with other media types"},
		{"one item", []models.InputMedia{photo(p1.Photo[2].FileID)}, "media group must contain 2-10 items"},
		{"eleven items", []models.InputMedia{photo(p1.Photo[2].FileID), photo(p1.Photo[2].FileID), photo(p1.Photo[2].FileID), photo(p1.Photo[2].FileID),
			photo(p1.Photo[2].FileID), photo(p1.Photo[2].FileID), photo(p1.Photo[2].FileID), photo(p1.Photo[2].FileID), photo(p1.Photo[2].FileID),
			photo(p1.Photo[2].FileID), photo(p1.Photo[2].FileID)}, "Too many messages to send as an album"},
		{"unknown file", []models.InputMedia{photo(p1.Photo[2].FileID), photo("nope")}, "wrong file identifier/HTTP URL specified"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := len(f.srv.Sent(f.lan.ID))
			_, err := f.b.SendMediaGroup(f.ctx, &tg.SendMediaGroupParams{ChatID: f.lan.ID, Media: tc.media})
			wantBadRequest(t, err, tc.want)
			if after := len(f.srv.Sent(f.lan.ID)); after != before {
				t.Fatalf("a failed album left %d messages", after-before)
			}
		})
	}
}

// go-telegram/bot cannot send an attach:// without its part, so the request is made by hand.
func TestSendMediaGroupMissingAttachment(t *testing.T) {
	f := setup(t)
	_, p1 := f.srv.Send(telegramtest.MessageOpts{From: f.lan, Photo: true})
	media := `[{"type":"photo","media":"` + p1.Photo[2].FileID + `"},{"type":"photo","media":"attach://missing"}]`
	a := callJSON(t, f.srv, "sendMediaGroup", map[string]any{"chat_id": f.lan.ID, "media": media})
	if a.ErrorCode != 400 || a.Description != "Bad Request: wrong file identifier/HTTP URL specified" {
		t.Fatalf("missing attachment: %+v", a)
	}
	media = `[{"type":"photo","media":"` + p1.Photo[2].FileID + `"},{"type":"sticker","media":"x"}]`
	if a := callJSON(t, f.srv, "sendMediaGroup", map[string]any{"chat_id": f.lan.ID, "media": media}); a.ErrorCode != 400 || !strings.Contains(a.Description, "unsupported media type") {
		t.Fatalf("a sticker in an album: %+v", a)
	}
	if len(f.srv.Sent(f.lan.ID)) != 0 {
		t.Fatal("failed albums left messages")
	}
}

func TestMyCommands(t *testing.T) {
	f := setup(t)
	vi := []models.BotCommand{{Command: "baocao", Description: "Báo cáo tiến độ"}, {Command: "nhiemvu", Description: "Danh sách nhiệm vụ"}}
	if _, err := f.b.SetMyCommands(f.ctx, &tg.SetMyCommandsParams{Commands: vi, Scope: &models.BotCommandScopeAllPrivateChats{}, LanguageCode: "vi"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.b.SetMyCommands(f.ctx, &tg.SetMyCommandsParams{Commands: vi[:1]}); err != nil {
		t.Fatal(err)
	}
	if got := f.srv.Commands("all_private_chats", "vi"); len(got) != 2 || got[1] != vi[1] {
		t.Fatalf("commands %+v", got)
	}
	if got := f.srv.Commands("", ""); len(got) != 1 || got[0] != vi[0] {
		t.Fatalf("default commands %+v", got)
	}
	if got := f.srv.Commands("all_private_chats", "en"); len(got) != 0 {
		t.Fatalf("another language: %+v", got)
	}
	got, err := f.b.GetMyCommands(f.ctx, &tg.GetMyCommandsParams{Scope: &models.BotCommandScopeAllPrivateChats{}, LanguageCode: "vi"})
	if err != nil || len(got) != 2 || got[0] != vi[0] {
		t.Fatalf("getMyCommands %+v %v", got, err)
	}
	if got, err := f.b.GetMyCommands(f.ctx, &tg.GetMyCommandsParams{LanguageCode: "fr"}); err != nil || len(got) != 0 {
		t.Fatalf("no commands: %+v %v", got, err)
	}
	if _, err := f.b.DeleteMyCommands(f.ctx, &tg.DeleteMyCommandsParams{Scope: &models.BotCommandScopeAllPrivateChats{}, LanguageCode: "vi"}); err != nil {
		t.Fatal(err)
	}
	if got := f.srv.Commands("all_private_chats", "vi"); got != nil {
		t.Fatalf("after delete: %+v", got)
	}
	tests := []struct {
		name string
		cmd  models.BotCommand
		want string
	}{
		{"Vietnamese letters", models.BotCommand{Command: "báocáo", Description: "x"}, "BOT_COMMAND_INVALID"},
		{"upper case", models.BotCommand{Command: "BaoCao", Description: "x"}, "BOT_COMMAND_INVALID"},
		{"dash", models.BotCommand{Command: "bao-cao", Description: "x"}, "BOT_COMMAND_INVALID"},
		{"33 characters", models.BotCommand{Command: strings.Repeat("a", 33), Description: "x"}, "BOT_COMMAND_INVALID"},
		{"empty", models.BotCommand{Command: "", Description: "x"}, "BOT_COMMAND_INVALID"},
		{"no description", models.BotCommand{Command: "a", Description: ""}, "BOT_COMMAND_DESCRIPTION_INVALID"},
		{"long description", models.BotCommand{Command: "a", Description: strings.Repeat("ệ", 257)}, "BOT_COMMAND_DESCRIPTION_INVALID"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.b.SetMyCommands(f.ctx, &tg.SetMyCommandsParams{Commands: []models.BotCommand{tc.cmd}})
			wantBadRequest(t, err, tc.want)
		})
	}
	ok := models.BotCommand{Command: strings.Repeat("a", 32), Description: strings.Repeat("ệ", 256)}
	if _, err := f.b.SetMyCommands(f.ctx, &tg.SetMyCommandsParams{Commands: []models.BotCommand{ok}}); err != nil {
		t.Fatalf("limits: %v", err)
	}
	a := callJSON(t, f.srv, "setMyCommands", map[string]any{"commands": vi, "scope": map[string]string{"type": "everywhere"}})
	if a.ErrorCode != 400 {
		t.Fatalf("unknown scope: %+v", a)
	}
}
