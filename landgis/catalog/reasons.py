"""Why a command failed, in Chinese and English: the database's reasons and the command line's parse errors (part of
:data:`landgis.catalog.CATALOG`).

PostgreSQL and argparse speak English; :mod:`landgis.qa.pg_connect` and :mod:`landgis.cli_options` say their
reasons again from these entries, so that a Chinese line has no English clause.
"""

from __future__ import annotations

__all__ = ["REASONS"]

#: Entries as in :data:`landgis.catalog.words.CATALOG` (a value that is a key names that key's words).
REASONS: dict[str, dict[str, str] | str] = {
    # --- PostgreSQL/PostGIS: the server's reason (its own English in en; what it means in zh)
    'pg.reason.other': {"zh": '数据库给出的原因为英文，可用 --lang en 查看', "en": '{reason}'},
    'pg.reason.refused': {"zh": '服务器拒绝连接（未运行，或地址、端口有误）', "en": '{reason}'},
    'pg.reason.host': {"zh": '无法解析服务器的主机名', "en": '{reason}'},
    'pg.reason.timeout': {"zh": '连接超时', "en": '{reason}'},
    'pg.reason.auth': {"zh": '用户名或密码认证失败', "en": '{reason}'},
    'pg.reason.no_database': {"zh": '数据库不存在', "en": '{reason}'},
    'pg.reason.no_role': {"zh": '用户（角色）不存在', "en": '{reason}'},
    'pg.reason.bad_option': {"zh": '连接串中有无法识别的参数 "{option}"', "en": '{reason}'},
    'pg.reason.bad_dsn': {"zh": '连接串格式有误', "en": '{reason}'},
    'pg.reason.undefined_table': {"zh": '表或视图不存在', "en": '{reason}'},
    'pg.reason.undefined_column': {"zh": '字段不存在', "en": '{reason}'},
    'pg.reason.undefined_function': {"zh": '函数不存在', "en": '{reason}'},
    'pg.reason.syntax': {"zh": 'SQL 语法错误', "en": '{reason}'},
    'pg.reason.privilege': {"zh": '没有权限', "en": '{reason}'},
    'pg.reason.canceled': {"zh": '语句超时，已被取消', "en": '{reason}'},
    'pg.reason.read_only': {"zh": '只读事务中不能写入', "en": '{reason}'},
    'pg.reason.no_schema': {"zh": '模式不存在', "en": '{reason}'},
    'pg.reason.duplicate_table': {"zh": '表已存在', "en": '{reason}'},
    'pg.reason.too_many_connections': {"zh": '服务器的连接数已达上限', "en": '{reason}'},
    'pg.reason.value': {"zh": '数据值有误（英文原因可用 --lang en 查看）', "en": '{reason}'},
    # ... with the name the server gave (a relation, column, schema …), as the server wrote it
    'pg.named.undefined_table': {"zh": '表或视图 "{name}" 不存在', "en": '{reason}'},
    'pg.named.undefined_column': {"zh": '字段 "{name}" 不存在', "en": '{reason}'},
    'pg.named.undefined_function': {"zh": '函数 {name} 不存在', "en": '{reason}'},
    'pg.named.no_schema': {"zh": '模式 "{name}" 不存在', "en": '{reason}'},
    'pg.named.duplicate_table': {"zh": '表 "{name}" 已存在', "en": '{reason}'},
    'pg.named.no_database': {"zh": '数据库 "{name}" 不存在', "en": '{reason}'},
    'pg.named.no_role': {"zh": '用户（角色）"{name}" 不存在', "en": '{reason}'},
    'pg.none': {"zh": '无', "en": 'none'},
    'pg.table_name': {"zh": '表名', "en": 'table name'},
    'pg.column_name': {"zh": '字段名', "en": 'column name'},
    'pg.parcels': {"zh": '地块', "en": 'parcels'},
    # --- The command line's own parse errors (argparse's English, said again)
    'cli.parse_error': {"zh": '{said}（用法见 {prog} --help）', "en": '{said} (see {prog} --help)'},
    'cli.args.command': {"zh": '命令', "en": 'COMMAND'},
    'cli.args.one': {"zh": '{option} 后缺少取值（应给出一个值）', "en": 'argument {option}: expected one argument'},
    'cli.args.at_most_one': {"zh": '{option} 最多只能给一个值', "en": 'argument {option}: expected at most one argument'},
    'cli.args.at_least_one': {"zh": '{option} 后至少应给出一个值', "en": 'argument {option}: expected at least one argument'},
    'cli.args.n': {"zh": '{option} 后应给出 {n} 个值', "en": 'argument {option}: expected {n} arguments'},
    'cli.args.choice': {"zh": '{option}：无法识别的取值 {value}（可选：{choices}）', "en": 'argument {option}: invalid choice: {value} (choose from {choices})'},
    'cli.args.type': {"zh": '{option}：取值 {value} 不是{type}', "en": 'argument {option}: invalid {type} value: {value}'},
    'cli.args.not_with': {"zh": '{option} 不能与 {other} 同时使用', "en": 'argument {option}: not allowed with argument {other}'},
    'cli.args.ignored': {"zh": '{option} 不接受取值 {value}', "en": 'argument {option}: ignored explicit argument {value}'},
    'cli.args.unknown': {"zh": '无法识别的参数：{items}', "en": 'unrecognized arguments: {items}'},
    'cli.args.required': {"zh": '缺少必需的参数：{items}', "en": 'the following arguments are required: {items}'},
    'cli.args.one_of': {"zh": '{items} 中至少要给出一个', "en": 'one of the arguments {items} is required'},
    'cli.args.ambiguous': {"zh": '选项 {option} 有歧义，可能是 {matches}', "en": 'ambiguous option: {option} could match {matches}'},
    'cli.args.value': {"zh": '{option}：{said}', "en": 'argument {option}: {said}'},
    'cli.args.other': {"zh": '命令行参数有误（英文原因可用 --lang en 查看）', "en": '{said}'},
    'cli.args.types.int': {"zh": '整数', "en": 'int'},
    'cli.args.types.float': {"zh": '数字', "en": 'float'},
    'cli.args.types.other': {"zh": '所需格式的取值', "en": '{type}'},
    'cli.values.number': {"zh": '一个数', "en": 'a number'},
    'cli.values.dpi': {"zh": '整数（每英寸点数）', "en": 'a whole number of dots per inch'},
    'cli.values.classes': {"zh": '分级数', "en": 'a number of classes'},
    'cli.values.fraction': {"zh": '比例（0.05 即 5%）', "en": 'a fraction (0.05 = 5%)'},
}
