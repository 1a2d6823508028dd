package directive

import (
	"os"
	"path/filepath"
	"testing"
)

// The seeds are real directive texts kept beside the repository (../shared/seeds), not copied
// into it. What each must read as was written by hand from reading it.
func TestSeeds(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "seeds")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("no seeds at %s", dir)
	}
	cases := map[string]expect{
		// A city's Chỉ thị as a news article: two enumerations (7 + 5 tasks), then what other
		// agencies must do, then the portal's footer.
		"000_7d7c1487c365d66f.txt": {
			kind: "Chỉ thị", number: "23/CT-UBND", date: "16/10/2020", issuer: "UBND thành phố", year: "2020-2021", narrative: true,
			title:   "Chỉ thị về nhiệm vụ chủ yếu năm học 2020 - 2021 của ngành Giáo dục Hải Phòng",
			tasks:   []string{"¶2.1", "¶2.2", "¶2.3", "¶2.4", "¶2.5", "¶2.6", "¶2.7", "¶3.1", "¶3.2", "¶3.3", "¶3.4", "¶3.5"},
			context: []string{"¶4", "¶5", "¶6", "¶7", "¶8", "¶9"},
			texts: map[string][]string{
				"¶2.1": {"Thực hiện rà soát, quy hoạch lại mạng lưới cơ sở giáo dục trong toàn thành phố"},
				"¶2.7": {"Định hướng nghề nghiệp và phân luồng trong giáo dục phổ thông"},
				"¶3.1": {"Nâng cao chất lượng dạy học ngoại ngữ, đặc biệt là tiếng Anh"},
				"¶3.5": {"Phát triển nguồn nhân lực, nhất là nguồn nhân lực chất lượng cao"},
			},
		},
		// A district's full Chỉ thị: I (7 tasks, the second in three parts), II (10 solutions),
		// III (carrying out: context), then recipients and signature. Paragraphs are broken by
		// pages in the middle of sentences.
		"001_1cdd3520dbf33d3e.txt": {
			kind: "Chỉ thị", issuer: "Ủy ban nhân dân huyện", year: "2021-2022",
			title: "Về thực hiện nhiệm vụ năm học 2021-2022 ứng phó với dịch COVID-19, tiếp tục thực hiện đổi mới, kiên trì mục tiêu chất lượng giáo dục và đào tạo",
			tasks: []string{"I.1", "I.2.a", "I.2.b", "I.2.c", "I.3", "I.4", "I.5", "I.6", "I.7",
				"II.1", "II.2", "II.3", "II.4", "II.5", "II.6", "II.7", "II.8", "II.9", "II.10"},
			context: []string{"III", "III.1", "III.2", "III.2-1", "III.2-6", "III.3", "III.4"},
			texts: map[string][]string{
				"I.1":     {"thì chủ động chuẩn bị phương án tổ chức dạy học trực tuyến"},
				"I.2.b":   {"năm học 2021-2022; chuẩn bị các điều kiện thực hiện dạy học môn Tin học"},
				"I.4":     {"nhất là học sinh tiểu học, trong việc học trực tuyến tại nhà"},
				"I.7":     {"đổi mới phương pháp dạy và học. Tăng cường công tác thông tin"},
				"II.2":    {"Phối hợp với các Nhà xuất bản có sách giáo khoa"},
				"II.9":    {"Đổi mới công tác quản lý", "Kịp thời phát hiện và giải quyết những vụ việc phức tạp"},
				"II.10":   {"giáo dục phổ thông, chú trọng công tác chuẩn bị"},
				"III.2-6": {"Công an huyện phối hợp"},
			},
		},
		// A district's Chỉ thị as a news article without enumerations: one task per paragraph
		// that says what to do; the last three address other bodies.
		"002_8243eba747c9092b.txt": {
			kind: "Chỉ thị", issuer: "UBND huyện", year: "2022-2023", narrative: true,
			title:   "UBND huyện ban hành chỉ thị triển khai nhiệm vụ Giáo dục và Đào tạo năm học 2022-2023",
			tasks:   []string{"¶2", "¶3", "¶4", "¶5", "¶6", "¶7", "¶8", "¶9"},
			context: []string{"¶10", "¶11", "¶12"},
			texts: map[string][]string{
				"¶2": {"giao phòng GD-ĐT chủ động xây dựng"},
				"¶9": {"Tăng cường chuyển đổi số"},
			},
		},
	}
	for name, e := range cases {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			d, err := Parse(name, data)
			if err != nil {
				t.Fatal(err)
			}
			check(t, d, e)
		})
	}
}
