package bot

import (
	"errors"

	"nhacviec/storage"
)

func isNotFound(err error) bool { return errors.Is(err, storage.ErrNotFound) }
