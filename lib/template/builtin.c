/* Built-in chat templates, written by us in the same Jinja subset, for
 * when no tokenizer_config.json is at hand. Each marks the assistant
 * replies with {% generation %} so exporters can mask everything else.
 * The formats follow the models' published prompt formats; see
 * docs/templates.md for the exact text each produces. */
#include <string.h>

#include "tpl_int.h"

static const struct {
    const char *name, *bos, *eos, *src;
} builtins[] = {
    {"chatml", "", "<|im_end|>",
     "{%- for message in messages %}"
     "{{- '<|im_start|>' + message['role'] + '\\n' }}"
     "{%- if message['role'] == 'assistant' %}"
     "{%- generation %}{{- message['content'] + '<|im_end|>' }}{%- endgeneration %}{{- '\\n' }}"
     "{%- else %}{{- message['content'] + '<|im_end|>\\n' }}{%- endif %}"
     "{%- endfor %}"
     "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}"},
    {"llama3", "<|begin_of_text|>", "<|eot_id|>",
     "{{- bos_token }}"
     "{%- for message in messages %}"
     "{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' }}"
     "{%- if message['role'] == 'assistant' %}"
     "{%- generation %}{{- message['content'] | trim + '<|eot_id|>' }}{%- endgeneration %}"
     "{%- else %}{{- message['content'] | trim + '<|eot_id|>' }}{%- endif %}"
     "{%- endfor %}"
     "{%- if add_generation_prompt %}{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' }}{%- endif %}"},
    {"mistral", "<s>", "</s>",
     "{%- if messages and messages[0]['role'] == 'system' %}"
     "{%- set system = messages[0]['content'] + '\\n\\n' %}{%- set loop_messages = messages[1:] %}"
     "{%- else %}{%- set system = '' %}{%- set loop_messages = messages %}{%- endif %}"
     "{{- bos_token }}"
     "{%- for message in loop_messages %}"
     "{%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
     "{{- raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}"
     "{%- endif %}"
     "{%- if message['role'] == 'user' %}"
     "{{- '[INST] ' + (system if loop.first else '') + message['content'] + ' [/INST]' }}"
     "{%- elif message['role'] == 'assistant' %}"
     "{%- generation %}{{- message['content'] + eos_token }}{%- endgeneration %}"
     "{%- else %}{{- raise_exception('Only system, user and assistant roles are supported') }}"
     "{%- endif %}"
     "{%- endfor %}"},
    {"gemma", "<bos>", "<end_of_turn>",
     "{%- if messages and messages[0]['role'] == 'system' %}"
     "{%- set system = messages[0]['content'] | trim + '\\n\\n' %}{%- set loop_messages = messages[1:] %}"
     "{%- else %}{%- set system = '' %}{%- set loop_messages = messages %}{%- endif %}"
     "{{- bos_token }}"
     "{%- for message in loop_messages %}"
     "{%- if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
     "{{- raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}"
     "{%- endif %}"
     "{%- if message['role'] == 'assistant' %}"
     "{{- '<start_of_turn>model\\n' }}"
     "{%- generation %}{{- message['content'] | trim + '<end_of_turn>\\n' }}{%- endgeneration %}"
     "{%- else %}"
     "{{- '<start_of_turn>user\\n' + (system if loop.first else '') + message['content'] | trim + "
     "'<end_of_turn>\\n' }}"
     "{%- endif %}"
     "{%- endfor %}"
     "{%- if add_generation_prompt %}{{- '<start_of_turn>model\\n' }}{%- endif %}"},
    {"phi3", "<s>", "<|endoftext|>",
     "{%- for message in messages %}"
     "{{- '<|' + message['role'] + '|>\\n' }}"
     "{%- if message['role'] == 'assistant' %}"
     "{%- generation %}{{- message['content'] + '<|end|>' }}{%- endgeneration %}{{- '\\n' }}"
     "{%- else %}{{- message['content'] + '<|end|>\\n' }}{%- endif %}"
     "{%- endfor %}"
     "{%- if add_generation_prompt %}{{- '<|assistant|>\\n' }}{%- endif %}"},
    {"alpaca", "", "</s>",
     "{%- if messages and messages[0]['role'] == 'system' %}"
     "{%- set preamble = messages[0]['content'] %}{%- set loop_messages = messages[1:] %}"
     "{%- else %}"
     "{%- set preamble = 'Below is an instruction that describes a task. "
     "Write a response that appropriately completes the request.' %}"
     "{%- set loop_messages = messages %}{%- endif %}"
     "{{- preamble + '\\n\\n' }}"
     "{%- for message in loop_messages %}"
     "{%- if message['role'] == 'user' %}"
     "{{- '### Instruction:\\n' + message['content'] + '\\n\\n### Response:\\n' }}"
     "{%- elif message['role'] == 'assistant' %}"
     "{%- generation %}{{- message['content'] + eos_token }}{%- endgeneration %}"
     "{%- if not loop.last %}{{- '\\n\\n' }}{%- endif %}"
     "{%- else %}{{- raise_exception('Only system, user and assistant roles are supported') }}"
     "{%- endif %}"
     "{%- endfor %}"},
    {"vicuna", "<s>", "</s>",
     "{%- if messages and messages[0]['role'] == 'system' %}"
     "{%- set system = messages[0]['content'] %}{%- set loop_messages = messages[1:] %}"
     "{%- else %}"
     "{%- set system = 'A chat between a curious user and an artificial intelligence assistant. "
     "The assistant gives helpful, detailed, and polite answers to the user\\'s questions.' %}"
     "{%- set loop_messages = messages %}{%- endif %}"
     "{{- system + ' ' }}"
     "{%- for message in loop_messages %}"
     "{%- if message['role'] == 'user' %}{{- 'USER: ' + message['content'] + ' ' }}"
     "{%- elif message['role'] == 'assistant' %}{{- 'ASSISTANT: ' }}"
     "{%- generation %}{{- message['content'] + eos_token }}{%- endgeneration %}"
     "{%- else %}{{- raise_exception('Only system, user and assistant roles are supported') }}"
     "{%- endif %}"
     "{%- endfor %}"
     "{%- if add_generation_prompt %}{{- 'ASSISTANT:' }}{%- endif %}"},
};

const char *tpl_builtin_source(const char *name, const char **bos, const char **eos)
{
    for (size_t i = 0; i < sizeof builtins / sizeof *builtins; i++)
        if (!strcmp(builtins[i].name, name)) {
            *bos = builtins[i].bos;
            *eos = builtins[i].eos;
            return builtins[i].src;
        }
    return NULL;
}

const char *ts_template_builtin_name(size_t i)
{
    return i < sizeof builtins / sizeof *builtins ? builtins[i].name : NULL;
}

const char *ts_template_builtin_source(const char *name, const char **bos, const char **eos)
{
    const char *b, *e, *src = tpl_builtin_source(name, &b, &e);
    if (bos)
        *bos = src ? b : NULL;
    if (eos)
        *eos = src ? e : NULL;
    return src;
}
