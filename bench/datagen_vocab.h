/* datagen's embedded vocabulary (included once, by datagen.c). Plain word
 * lists in UTF-8; the mix of lists, not their size, is what makes the
 * byte statistics look like real chat data. */

static const char *const en[] = {
    "the", "a", "an", "and", "or", "but", "if", "then", "because", "so", "of", "to", "in", "on",
    "for", "with", "as", "at", "by", "from", "about", "into", "over", "after", "before", "between",
    "is", "are", "was", "were", "be", "been", "has", "have", "had", "do", "does", "did", "can",
    "could", "should", "would", "will", "may", "might", "must", "this", "that", "these", "those",
    "it", "its", "they", "them", "their", "we", "our", "you", "your", "he", "she", "his", "her",
    "i", "me", "my", "not", "no", "yes", "all", "some", "many", "more", "most", "few", "each",
    "every", "other", "another", "such", "only", "also", "very", "just", "even", "still", "well",
    "here", "there", "when", "where", "why", "how", "what", "which", "who", "whom", "whose",
    "time", "year", "people", "way", "day", "man", "woman", "child", "world", "life", "hand",
    "part", "place", "case", "week", "company", "system", "program", "question", "answer",
    "government", "number", "night", "point", "home", "water", "room", "mother", "area", "money",
    "story", "fact", "month", "lot", "right", "study", "book", "eye", "job", "word", "business",
    "issue", "side", "kind", "head", "house", "service", "friend", "father", "power", "hour",
    "game", "line", "end", "member", "law", "car", "city", "community", "name", "president",
    "team", "minute", "idea", "kid", "body", "information", "back", "parent", "face", "others",
    "level", "office", "door", "health", "person", "art", "war", "history", "party", "result",
    "change", "morning", "reason", "research", "girl", "guy", "moment", "air", "teacher", "force",
    "education", "good", "new", "first", "last", "long", "great", "little", "own", "old", "big",
    "high", "different", "small", "large", "next", "early", "young", "important", "public", "bad",
    "same", "able", "simple", "clear", "possible", "likely", "recent", "specific", "general",
    "make", "know", "think", "take", "see", "come", "want", "look", "use", "find", "give", "tell",
    "work", "call", "try", "ask", "need", "feel", "become", "leave", "put", "mean", "keep", "let",
    "begin", "seem", "help", "talk", "turn", "start", "show", "hear", "play", "run", "move",
    "like", "live", "believe", "hold", "bring", "happen", "write", "provide", "sit", "stand",
    "lose", "pay", "meet", "include", "continue", "set", "learn", "lead", "understand", "watch",
    "follow", "stop", "create", "speak", "read", "allow", "add", "spend", "grow", "open", "walk",
    "win", "offer", "remember", "love", "consider", "appear", "buy", "wait", "serve", "die",
    "send", "expect", "build", "stay", "fall", "cut", "reach", "kill", "remain", "suggest",
    "raise", "pass", "sell", "require", "report", "decide", "pull", "explain", "example",
    "certainly", "however", "therefore", "usually", "often", "sometimes", "really", "quickly",
};

static const char *const tech[] = {
    "function", "variable", "array", "string", "integer", "pointer", "memory", "thread", "server",
    "client", "database", "query", "index", "cache", "latency", "throughput", "API", "JSON",
    "HTTP", "Python", "JavaScript", "Rust", "SQL", "Linux", "Docker", "Kubernetes", "GPU",
    "tokenizer", "transformer", "gradient", "dataset", "embedding", "model", "training",
    "inference", "prompt", "regex", "compiler", "runtime", "callback", "iterator", "recursion",
    "algorithm", "complexity", "O(n log n)", "hash map", "linked list", "binary search",
    "e.g.", "i.e.", "etc.", "100%", "3.14", "2023", "v2.0", "README.md", "config.yaml",
};

static const char *const accented[] = {
    "café", "naïve", "résumé", "façade", "Zürich", "São Paulo", "über", "señor", "jalapeño",
    "crème brûlée", "déjà vu", "Ångström", "Kraków", "Málaga", "Øresund", "Straße", "piñata",
    "Dvořák", "Gödel", "Schrödinger", "Erdős", "Beyoncé", "Pokémon", "façon", "Ærø", "€20",
    "£15", "±5%", "°C", "→", "—", "“quoted”", "…",
};

static const char *const emoji[] = {
    "😀", "🚀", "👍", "🎉", "🤔", "🔥", "✅", "❤️", "📊", "🙂", "💡", "⚠️", "😂", "🙏", "✨",
    "👋", "😅", "🧠", "📌", "🌍",
};

static const char *const fr[] = {
    "le", "la", "les", "des", "une", "est", "et", "données", "modèle", "être", "très", "où",
    "français", "élève", "problème", "réponse", "déjà", "voilà", "ça", "garçon", "hôtel",
    "forêt", "après", "également", "système", "première", "qualité", "société", "intérêt",
    "général", "économie", "côté", "même", "fenêtre", "château", "préférer", "réseau",
};
static const char *const de[] = {
    "der", "die", "das", "und", "ist", "nicht", "über", "für", "Größe", "Straße", "schön",
    "Mädchen", "müssen", "können", "Lösung", "Frühstück", "natürlich", "Bücher", "Prüfung",
    "hören", "wäre", "möglich", "Schlüssel", "Gebäude", "Übersetzung", "gemäß", "ähnlich",
    "Bevölkerung", "Geschäft", "Erklärung", "zurück", "weiß",
};
static const char *const es[] = {
    "el", "la", "los", "que", "de", "y", "niño", "año", "mañana", "también", "información",
    "pregunta", "están", "según", "español", "corazón", "música", "rápido", "más", "qué",
    "aquí", "después", "página", "número", "económico", "fácil", "difícil", "canción", "país",
    "están", "sí", "árbol",
};

static const char *const ko[] = {
    "안녕하세요", "데이터", "모델", "학습", "질문", "답변", "문장", "예시", "한국어", "사용자",
    "방법", "결과", "중요한", "다음", "설명", "코드", "함수", "파일", "이해", "생각", "문제",
    "해결", "정보", "시간", "사람", "세계", "경제", "역사", "과학", "기술", "그리고", "하지만",
    "때문에", "위해", "경우", "가능한", "필요한", "우리는", "이것은", "그것을", "많은", "새로운",
    "작은", "대한민국", "서울", "회사", "학교", "음식", "여행", "건강", "운동",
};
static const char *const ko_end[] = {
    "있습니다.", "합니다.", "됩니다.", "입니까?", "좋습니다.", "했습니다.", "것입니다.",
    "알려주세요.", "감사합니다!", "어떻게 하나요?",
};
static const char *const zh[] = {
    "我们", "数据", "模型", "训练", "问题", "回答", "可以", "使用", "方法", "中文", "结果",
    "重要", "需要", "时间", "经济", "历史", "科学", "技术", "因为", "所以", "但是", "如果",
    "这个", "一个", "学习", "语言", "计算机", "程序", "函数", "文件", "北京", "上海", "公司",
    "学生", "老师", "发展", "社会", "文化", "世界", "中国", "的", "了", "是", "在", "和", "有",
    "我", "你", "他", "不", "这", "就", "也", "都", "很", "会", "说", "要", "去", "看",
};
static const char *const ja[] = {
    "これは", "データ", "モデル", "学習", "質問", "回答", "です", "ます", "日本語", "使用",
    "方法", "結果", "重要", "必要", "時間", "について", "ために", "として", "できます",
    "ありがとう", "東京", "会社", "学生", "先生", "世界", "経済", "歴史", "科学", "技術",
    "の", "は", "を", "に", "が", "と", "で", "も", "から", "まで", "しかし", "そして",
    "プログラム", "関数", "ファイル", "コンピューター", "ラーメン", "さくら",
};

static const char *const category[] = {
    "open_qa", "closed_qa", "brainstorming", "classification", "summarization",
    "information_extraction", "creative_writing", "general_qa", "coding", "math",
};

/* Code lines, picked at random. {i} identifier, {n} number, {w} word. The
 * text is what appears in the chat, so "\\n" below is a backslash and an n
 * in the message, and "\t" a real tab. */
struct code_tpl {
    const char *lang;
    uint32_t n;
    const char *lines[12];
};
static const struct code_tpl code[] = {
    {"python", 12, {
        "def {i}(x, y={n}):",
        "    \"\"\"Return the {w} of x and y.\"\"\"",
        "    return x * {n} + y",
        "print(f\"{w} {w}: {{{i}}}\\n\")",
        "path = \"C:\\\\Users\\\\{i}\\\\data.txt\"",
        "pattern = re.compile(r\"^\\d+(\\.\\d+)?$\")",
        "for {i} in range({n}):",
        "    if {i} % 2 == 0:",
        "        result.append('{w}')",
        "with open('{i}.json', encoding='utf-8') as f:",
        "    data = json.load(f)  # {w} {w}",
        "import numpy as np",
    }},
    {"c", 10, {
        "#include <stdio.h>",
        "int {i}(const char *s, size_t n)",
        "{",
        "\tfor (size_t i = 0; i < n; i++) {",
        "\t\tif (s[i] == '\\\\' || s[i] == '\"')",
        "\t\t\treturn -{n};",
        "\t}",
        "\tprintf(\"%s: %zu\\n\", \"{w}\", n);",
        "\treturn 0;",
        "}",
    }},
    {"javascript", 8, {
        "const {i} = async (url) => {",
        "  const res = await fetch(`${url}/{w}?id={n}`);",
        "  return res.json();",
        "};",
        "console.log(\"{w}\\t{w}\", {i});",
        "let {i} = items.filter(x => x.{w} > {n});",
        "document.querySelector('#{i}').innerHTML = \"<b>{w}</b>\";",
        "}",
    }},
    {"bash", 6, {
        "for f in *.jsonl; do",
        "  grep -c \"{w}\" \"$f\"",
        "done",
        "export {i}=\"$HOME/{w}\"",
        "awk -F'\\t' '{print $1}' {i}.tsv | sort | uniq -c",
        "echo \"done\\n\" >> log.txt",
    }},
    {"sql", 4, {
        "SELECT {i}, COUNT(*) FROM {w} WHERE city = 'Zürich' GROUP BY {i};",
        "INSERT INTO {w} (name, note) VALUES ('{w}', 'it''s \"{w}\"');",
        "CREATE INDEX idx_{i} ON {w}({i});",
        "UPDATE {w} SET {i} = {n} WHERE id = {n};",
    }},
    {"json", 4, {
        "{\"{i}\": {n}, \"name\": \"{w}\",",
        " \"tags\": [\"{w}\", \"{w}\"], \"path\": \"a\\\\b\",",
        " \"nested\": {\"ok\": true, \"value\": null}}",
        "[1, 2, 3]",
    }},
};
