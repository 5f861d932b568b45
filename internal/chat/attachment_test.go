package chat

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckFileName(t *testing.T) {
	refused := []string{
		"hoa-don.exe", "setup.bat", "chay.vbs", "lenh.cmd", "script.ps1", "cai-dat.sh", "a.js", "trang.hta",
		"loi-tat.lnk", "man-hinh.scr", "app.jar", "goi.msi", "ung-dung.apk", "cu.com", "x.pif", "y.vbe",
		"z.wsf", "khoa.reg", "thu-vien.dll", "Ứng dụng.app", "ban-cai.dmg",
		"HOA-DON.EXE", "hoa-don.pdf.exe", "hoa-don.exe.", "hoa-don.exe . ", `C:\tai-lieu\setup.BAT`,
		"bao\u202egnp.exe", "bang-tinh.xlsm", "trang.html", "dia.iso", "chung-chi.crt",
	}
	for _, name := range refused {
		err := CheckFileName(name)
		var e *Error
		if !errors.As(err, &e) || e.Code != EUNSUPPORTED || !strings.Contains(e.Message, "Không được phép gửi tệp .") || e.Fields["file"] == "" {
			t.Errorf("%q: %v", name, err)
		}
	}
	if e := CheckFileName("setup.BAT"); e == nil || !strings.Contains(e.Error(), ".bat") {
		t.Errorf("the message should name the type: %v", e)
	}
	allowed := []string{"anh.png", "bao-gia.pdf", "ghi-chu.txt", "danh-sach.csv", "hop-dong.docx", "tep", "tep.",
		"setup.exe.txt", "exe", ".bashrc.txt", "bảng giá.xlsx", "anh.jpeg"}
	for _, name := range allowed {
		if err := CheckFileName(name); err != nil {
			t.Errorf("%q refused: %v", name, err)
		}
	}
}
