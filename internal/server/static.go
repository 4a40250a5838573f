package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/web"
)

// staticAsset is one file of web/static as soko serves it: its bytes, a
// gzip copy made on first request, and a name carrying a digest of its
// content (hh.css → hh.5c1e0a9b3f.css) that pages link to, so a browser
// may keep it for a year and a new version is a new name.
type staticAsset struct {
	name, hashed, etag, contentType string
	body                            []byte
	gzipOnce                        sync.Once
	gz                              []byte // nil when gzip does not make it smaller
}

// staticAssets are web/static's files by name and by content-hashed name.
type staticAssets struct {
	byName, byHashed map[string]*staticAsset
}

// assets reads web/static once per process: the files are embedded in the
// binary and never change while it runs.
var assets = sync.OnceValue(func() *staticAssets {
	sub, err := fs.Sub(web.FS, "static")
	if err != nil {
		panic(err)
	}
	a := &staticAssets{byName: map[string]*staticAsset{}, byHashed: map[string]*staticAsset{}}
	err = fs.WalkDir(sub, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(sub, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		digest := hex.EncodeToString(sum[:])[:10]
		ext := path.Ext(name)
		f := &staticAsset{
			name:        name,
			hashed:      strings.TrimSuffix(name, ext) + "." + digest + ext,
			etag:        `"` + digest + `"`,
			contentType: mime.TypeByExtension(ext),
			body:        body,
		}
		if f.contentType == "" {
			f.contentType = http.DetectContentType(body)
		}
		a.byName[name] = f
		a.byHashed[f.hashed] = f
		return nil
	})
	if err != nil {
		panic(err)
	}
	return a
})

// url is the address a page links name by: its content-hashed name.
func (a *staticAssets) url(name string) string {
	if f, ok := a.byName[name]; ok {
		return "/static/" + f.hashed
	}
	return "/static/" + name
}

// compressible are the types worth compressing; images and fonts already are.
var compressible = regexp.MustCompile(`^(text/|application/(javascript|json|wasm|manifest\+json)|image/svg)`)

// gzipped is f compressed, or nil when that saves nothing.
func (f *staticAsset) gzipped() []byte {
	f.gzipOnce.Do(func() {
		if !compressible.MatchString(f.contentType) {
			return
		}
		var b bytes.Buffer
		w, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		_, _ = w.Write(f.body)
		_ = w.Close()
		if b.Len() < len(f.body) {
			f.gz = b.Bytes()
		}
	})
	return f.gz
}

// versionedName splits hh.5c1e0a9b3f.css into hh.css.
var versionedName = regexp.MustCompile(`^(.*)\.[0-9a-f]{10}(\.[A-Za-z0-9]+)$`)

// acceptsGzip reports whether an Accept-Encoding header takes gzip.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "*" {
			continue
		}
		if q, ok := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); ok {
			if v, err := strconv.ParseFloat(q, 64); err == nil && v == 0 {
				continue
			}
		}
		return true
	}
	return false
}

// staticFiles serves web/static under /static. A content-hashed name is
// kept by browsers for a year (immutable); a plain name, or the hashed
// name of an older version, must be revalidated by its ETag each time.
// Text is sent gzipped to browsers that take it. Only a clean name inside
// the folder is looked up: a malformed path (invalid UTF-8 such as
// overlong dots, NUL, backslash, escaped slash) is refused 400 and a dot
// segment or a folder 404, so no path answers 500 or leaves the folder.
func staticFiles(w http.ResponseWriter, r *http.Request) error {
	a := assets()
	name := strings.TrimPrefix(r.URL.Path, "/static/")
	if !utf8.ValidString(name) || strings.ContainsAny(name, "\\\x00") ||
		strings.Contains(strings.ToLower(r.URL.RawPath), "%2f") {
		return soko.Errorf(soko.EMALFORMED, "malformed file path").JA("ファイルのパスが正しくありません")
	}
	h := w.Header()
	f, immutable := a.byHashed[name]
	if !immutable && fs.ValidPath(name) {
		f = a.byName[name]
		if m := versionedName.FindStringSubmatch(name); f == nil && m != nil {
			f = a.byName[m[1]+m[2]]
		}
	}
	if f == nil {
		return soko.Errorf(soko.ENOTFOUND, "no such file").JA("ファイルが見つかりません")
	}
	if immutable {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	h.Set("ETag", f.etag)
	h.Set("Vary", "Accept-Encoding")
	if matchesETag(r.Header.Get("If-None-Match"), f.etag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	body := f.body
	if gz := f.gzipped(); gz != nil && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		h.Set("Content-Encoding", "gzip")
		body = gz
	}
	return writeBlob(w, http.StatusOK, f.contentType, body)
}

// gzipPage compresses a rendered page for a browser that takes gzip.
func gzipPage(w http.ResponseWriter, r *http.Request, page []byte) []byte {
	w.Header().Add("Vary", "Accept-Encoding")
	if !acceptsGzip(r.Header.Get("Accept-Encoding")) {
		return page
	}
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	_, _ = zw.Write(page)
	_ = zw.Close()
	w.Header().Set("Content-Encoding", "gzip")
	return b.Bytes()
}
