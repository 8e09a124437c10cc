/* The built-in default prompts: the same text as share/prompts/<name>.txt
 * (the unit test gen_prompts_match_files checks they agree; edit both).
 * Users replace any of them with --prompt FILE; {{name}} placeholders are
 * filled by ts_gen_fill. */
#include <string.h>

#include "tuneset/gen.h"

static const struct {
    const char *name, *text;
} prompts[] = {
    {"assistance_request",
     "Here is a text:\n"
     "\n"
     "{{text}}\n"
     "\n"
     "Write one request that a user might send to an AI assistant, together with this text, asking it to {{task}} the text. Make the request specific (say what the result is for, or what to focus on). Write only the request, in one or two sentences, without repeating the text.\n"},
    {"augment_broaden",
     "I want you to act as a prompt creator. Draw inspiration from the following instruction to write a brand-new instruction in the same domain, but on a rarer, less common task. It should be about as long and as hard as the original, reasonable, and answerable by humans. Write only the new instruction.\n"
     "\n"
     "Instruction:\n"
     "{{instruction}}\n"},
    {"augment_concretize",
     "I want you to act as a prompt rewriter. Make the following instruction a bit harder for a capable AI system by replacing general concepts in it with more specific ones. The rewritten instruction must stay reasonable, understandable and answerable by humans, must keep any input (text, table, code) it contains, and may add only 10 to 20 words. Write only the rewritten instruction.\n"
     "\n"
     "Instruction:\n"
     "{{instruction}}\n"},
    {"augment_constraints",
     "I want you to act as a prompt rewriter. Make the following instruction a bit harder for a capable AI system by adding one more constraint or requirement to it. The rewritten instruction must stay reasonable, understandable and answerable by humans, must keep any input (text, table, code) it contains, and may add only 10 to 20 words. Write only the rewritten instruction.\n"
     "\n"
     "Instruction:\n"
     "{{instruction}}\n"},
    {"augment_deepen",
     "I want you to act as a prompt rewriter. Make the following instruction a bit harder for a capable AI system by asking about the same subject in more depth and breadth. The rewritten instruction must stay reasonable, understandable and answerable by humans, must keep any input (text, table, code) it contains, and may add only 10 to 20 words. Write only the rewritten instruction.\n"
     "\n"
     "Instruction:\n"
     "{{instruction}}\n"},
    {"augment_paraphrase",
     "Rewrite the following instruction so that it asks for exactly the same thing in different words. Keep every detail, constraint and input it contains; change the wording and sentence structure. Write only the rewritten instruction.\n"
     "\n"
     "Instruction:\n"
     "{{instruction}}\n"},
    {"augment_reasoning",
     "I want you to act as a prompt rewriter. If the following instruction can be solved with a few simple steps, rewrite it so that it explicitly requires reasoning in several steps. The rewritten instruction must stay reasonable, understandable and answerable by humans, must keep any input (text, table, code) it contains, and may add only 10 to 20 words. Write only the rewritten instruction.\n"
     "\n"
     "Instruction:\n"
     "{{instruction}}\n"},
    {"augment_translate",
     "Translate the following text into {{language}}. Keep its meaning, tone and formatting (line breaks, lists, code and Markdown); do not translate code, names or URLs. Write only the translation.\n"
     "\n"
     "Text:\n"
     "{{text}}\n"},
    {"self_instruct",
     "You will write 20 new task instructions, each different from the others. A GPT language model will be given these instructions, and we will judge how well it completes them.\n"
     "\n"
     "Rules for the tasks:\n"
     "1. Vary the verbs: avoid starting two instructions with the same verb.\n"
     "2. Vary the wording: mix direct commands with questions.\n"
     "3. Vary the kind of task: open-ended writing, classification, rewriting and editing, brainstorming, extraction, reasoning, and more.\n"
     "4. The model must be able to do the task with text alone: nothing that needs to see, draw or play images, sound or video, and nothing that acts in the world, such as setting an alarm or sending an email.\n"
     "5. Write the instructions in English.\n"
     "6. Keep each instruction to one or two sentences, either an imperative or a question.\n"
     "7. When a task needs an input, write a concrete, realistic one (not a placeholder) of at most about 100 words that makes the task substantial.\n"
     "8. Many tasks need no input, for example a general knowledge question such as \"what is the highest mountain in Europe\". Then write \"<noinput>\" as the input.\n"
     "9. The output must be a good answer to the instruction and its input, in fewer than 100 words.\n"
     "\n"
     "The 20 tasks:\n"},
    {"self_instruct_ko",
     "서로 다른 새로운 작업 지시문 20개를 작성하세요. 이 지시문들은 GPT 언어 모델에게 주어지며, 모델이 지시를 얼마나 잘 수행하는지 평가합니다.\n"
     "\n"
     "작업 규칙:\n"
     "1. 동사를 다양하게 쓰세요. 같은 동사로 시작하는 지시문을 두 번 쓰지 마세요.\n"
     "2. 표현을 다양하게 하세요. 명령문과 질문을 섞어 쓰세요.\n"
     "3. 작업 종류를 다양하게 하세요. 자유 작문, 분류, 고쳐 쓰기와 편집, 아이디어 내기, 정보 추출, 추론 등을 포함하세요.\n"
     "4. 모델이 글만으로 할 수 있는 작업이어야 합니다. 그림, 소리, 영상을 보거나 만들거나 재생하는 작업, 알람 설정이나 이메일 전송처럼 실제로 행동하는 작업은 안 됩니다.\n"
     "5. 지시문은 한국어로 쓰세요.\n"
     "6. 지시문은 한두 문장으로, 명령문이나 질문으로 쓰세요.\n"
     "7. 입력이 필요한 작업에는 자리표시자가 아닌 구체적이고 현실적인 입력을 100단어 이내로 쓰세요.\n"
     "8. 입력이 필요 없는 작업도 많습니다. 예를 들어 \"유럽에서 가장 높은 산은 무엇인가요\" 같은 일반 지식 질문입니다. 이때는 입력에 \"<입력 없음>\"이라고 쓰세요.\n"
     "9. 출력은 지시와 입력에 대한 좋은 답이어야 하며 100단어 미만이어야 합니다.\n"
     "\n"
     "20개의 작업:\n"},
    {"simulate_opener",
     "Write the first message that a curious person would send to an AI assistant about the following topic. Make it a specific, realistic question or request, not a greeting. Write only the message.\n"
     "\n"
     "Topic: {{topic}}\n"},
    {"simulate_user",
     "You play the user in a conversation with an AI assistant. Read the conversation so far and write the user's next message: a natural follow-up that digs deeper, asks for an example or a clarification, challenges a point, or moves to a related question. Write only the message itself, in the same language as the conversation, without a \"User:\" label.\n"
     "\n"
     "If the user's needs are fully met and a real person would stop here, write only {{end_marker}}.\n"
     "\n"
     "The conversation so far:\n"
     "\n"
     "{{conversation}}\n"},
    {"world_questions",
     "Write {{n}} diverse questions that a curious person might ask an AI assistant about \"{{subtopic}}\" (part of \"{{topic}}\"). Mix factual, explanatory and opinion questions, simple and hard ones. Write one question per line, without numbering.\n"},
    {"world_subtopics",
     "List {{n}} distinct, specific subtopics of \"{{topic}}\" that people often ask questions about. Write one subtopic per line, without numbering or explanations.\n"},
    {"writing_openers",
     "Write {{n}} diverse requests that a person might send to an AI assistant asking it to write something of this kind: {{kind}}. Each request should state a concrete purpose, audience or subject, and some may add constraints on length, tone or form. Write one request per line, without numbering.\n"},
};

const char *ts_gen_prompt(const char *name)
{
    for (size_t i = 0; i < sizeof prompts / sizeof *prompts; i++)
        if (!strcmp(prompts[i].name, name))
            return prompts[i].text;
    return NULL;
}

const char *ts_gen_prompt_name(size_t i)
{
    return i < sizeof prompts / sizeof *prompts ? prompts[i].name : NULL;
}
