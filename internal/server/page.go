package server

import (
	"bytes"
	"html/template"
	"io/fs"
	"net/http"
	"strings"

	"github.com/soko-wms/soko/internal/soko"
	"github.com/soko-wms/soko/templates"
)

// messages are the words on soko's pages, in Japanese and English.
var messages = map[string]soko.Text{
	"home":             {JA: "ホーム", EN: "Home"},
	"orders_by_status": {JA: "ステータス別の注文数", EN: "Orders by status"},
	"merchants":        {JA: "荷主", EN: "Merchants"},
	"code":             {JA: "コード", EN: "Code"},
	"name":             {JA: "名称", EN: "Name"},
	"no_merchants":     {JA: "荷主はまだ登録されていません", EN: "No merchants yet"},
}

// pages holds every page parsed once per language, each with the layout,
// so a page's words are fixed when it is parsed, not looked up at every render.
type pages struct {
	byLang map[string]map[string]*template.Template
}

func mustParsePages() *pages {
	names, err := fs.Glob(templates.FS, "*.html")
	if err != nil {
		panic(err)
	}
	p := &pages{byLang: map[string]map[string]*template.Template{}}
	for _, lang := range []string{"ja", "en"} {
		funcs := template.FuncMap{"t": func(key string) string {
			if m, ok := messages[key]; ok {
				return m.In(lang)
			}
			return key
		}, "static": assets().url}
		p.byLang[lang] = map[string]*template.Template{}
		for _, file := range names {
			if file == "layout.html" || strings.HasPrefix(file, "console_") {
				continue
			}
			files := []string{"layout.html", file}
			if file == "console.html" {
				// The console's sections live in console_<section>.html, each
				// defining "<section>_nav" and "<section>" for console.html.
				files = append(files, "console_*.html")
			}
			t := template.Must(template.New("").Funcs(funcs).ParseFS(templates.FS, files...))
			p.byLang[lang][strings.TrimSuffix(file, ".html")] = t
		}
	}
	return p
}

// pageData is what every page gets: the language and the title.
type pageData struct {
	Lang  string
	Title string
}

// render writes the page whose "content" is defined in name.html.
func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, data any) error {
	var buf bytes.Buffer
	if err := s.pages.byLang[language(r)][name].ExecuteTemplate(&buf, "layout", data); err != nil {
		return err
	}
	return writeHTML(w, http.StatusOK, gzipPage(w, r, buf.Bytes()))
}

// floorPage is what a floor page (handheld, station, console) is executed
// with: its words in the chosen language, for the template and, as JSON,
// for its script.
type floorPage struct {
	Lang  string
	T     map[string]string
	Words map[string]string
}

// renderFloorPage writes a floor page: a whole document of its own
// (templates/name.html) rather than a "content" for the layout, so it
// carries only its own CSS and scripts. It holds no one's data (the
// scripts ask /ops for that), only the words of the language asked for, so
// a browser may keep it but must ask again each time: the same page for
// the same language and build answers 304.
func (s *Server) renderFloorPage(w http.ResponseWriter, r *http.Request, name string, words map[string]soko.Text) error {
	lang := language(r)
	chosen := make(map[string]string, len(words))
	for k, word := range words {
		chosen[k] = word.In(lang)
	}
	var buf bytes.Buffer
	if err := s.pages.byLang[lang][name].ExecuteTemplate(&buf, name+".html", floorPage{Lang: lang, T: chosen, Words: chosen}); err != nil {
		return err
	}
	h := w.Header()
	// Weak: the gzipped and the plain page are the same page.
	tag := etagOf(buf.Bytes())
	h.Set("Cache-Control", "private, no-cache")
	h.Set("ETag", "W/"+tag)
	h.Add("Vary", "Accept-Language, Cookie")
	if q := r.URL.Query().Get("lang"); q == lang {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.secureCookies || viaHTTPS(r.Context())})
	}
	if matchesETag(r.Header.Get("If-None-Match"), tag) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	return writeHTML(w, http.StatusOK, gzipPage(w, r, buf.Bytes()))
}

// scannerWords are the words every floor page that scans on a handheld
// (handheld, dock, returns desk) shows alike: its input switches, a saved
// scan sent late and the network's failures.
var scannerWords = map[string]soko.Text{
	"late":          {JA: "【保存分】", EN: "[saved scan] "},
	"offline":       {JA: "通信できません。電波の届く場所で再度お試しください", EN: "No connection: try again where the network reaches"},
	"offline_shell": {JA: "通信できません。この端末に残した画面で続けます", EN: "No connection: carrying on with what this device keeps"},
	"failed":        {JA: "エラーが発生しました（{status}）", EN: "Something went wrong ({status})"},
	"scan":          {JA: "スキャン", EN: "Scan"},
	"keyboard":      {JA: "キーボード", EN: "Keyboard"},
	"camera":        {JA: "カメラ", EN: "Camera"},
}
